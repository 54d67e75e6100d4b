// `plan` for the experiments (pure: from the target alone, nothing read or touched): what burst:,
// keepalive: and warm.stages / warm.trace will do to the target, and how long burst: and keepalive:
// take on top of the cold and warm phases. warm.stages / warm.trace are not in estimatedSeconds:
// their length already is the warm phase's duration (warm.durationMs). predictTargetMs
// (origins/predict.ts) counts both, so a plan that totals predictRunMs must not add this again.
import type { ColdStrategy, TargetConfig } from '../config/schema.js';
import { segmentSchedule, segmentsOf } from '../phases/arrivals.js';
import { PER_SAMPLE_MS } from '../origins/predict.js';
import { burstMs, keepaliveMs } from './duration.js';

export interface ExperimentsPlan {
  /** One line per experiment: what it sends and what it changes on the platform. */
  changes: string[];
  /** Time burst: and keepalive: add to the target's run, seconds. */
  estimatedSeconds: number;
}

/** What forcing a cold start changes, by strategy; null: nothing on the platform. */
const STRATEGY_CHANGE: Record<ColdStrategy, string | null> = {
  none: null,
  idle: null,
  command: 'runs cold.command',
  'update-config': 'updates the configuration (a new environment value; on Google a new revision), restored at the end',
  'publish-version': 'updates the configuration and publishes a version (versions deleted, configuration restored at the end)',
  'scale-to-zero': 'waits for the Knative service to scale to zero',
  'scale-from-zero': 'scales the Deployment to zero (replicas restored at the end)',
};

function durationText(ms: number): string {
  if (ms >= 3_600_000 && ms % 60_000 === 0) return `${Math.floor(ms / 3_600_000)}h${ms % 3_600_000 ? ` ${(ms % 3_600_000) / 60_000}m` : ''}`;
  if (ms >= 60_000 && ms % 1000 === 0) return `${Math.floor(ms / 60_000)}m${ms % 60_000 ? ` ${(ms % 60_000) / 1000}s` : ''}`;
  return ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`;
}

export function planExperiments(target: TargetConfig): ExperimentsPlan {
  const changes: string[] = [];
  let ms = 0;
  const { burst, keepalive, cold } = target;
  if (burst && cold) {
    const bursts = burst.sizes.length * burst.samples;
    const requests = burst.sizes.reduce((sum, size) => sum + size, 0) * burst.samples;
    const change = STRATEGY_CHANGE[cold.strategy];
    const idle = cold.strategy === 'idle' ? cold.idleMs : 0;
    changes.push(
      `burst: ${target.name}: ${bursts} burst${bursts === 1 ? '' : 's'} (sizes ${burst.sizes.join(', ')} x ${burst.samples}), ${requests} requests; before each, forced cold by ${cold.strategy}${change ? ` (${change})` : idle > 0 ? ` (waits ${durationText(idle)})` : ''}`,
    );
    ms += burstMs(burst, cold, PER_SAMPLE_MS);
  }
  if (keepalive) {
    const idleTotal = keepalive.idleMs.reduce((sum, gap) => sum + gap, 0) * keepalive.samples;
    const samples = keepalive.idleMs.length * keepalive.samples;
    changes.push(
      `keepalive: ${target.name}: ${samples} sample${samples === 1 ? '' : 's'} (idle ${keepalive.idleMs.map(durationText).join(', ')} x ${keepalive.samples}), ${samples * 2} requests, ${durationText(idleTotal)} idle in all; no platform change`,
    );
    ms += keepaliveMs(keepalive);
  }
  const arrivals = target.warm?.arrivals;
  if (arrivals) {
    const schedule = segmentSchedule(segmentsOf(arrivals), target.warm?.requests);
    const what = arrivals.kind === 'stages' ? `warm.stages: ${arrivals.stages.length} stage${arrivals.stages.length === 1 ? '' : 's'}` : `warm.trace: ${arrivals.file}, ${arrivals.counts.length} intervals of ${durationText(arrivals.intervalMs)}`;
    changes.push(`${what}: ${target.name}: ${schedule.total} requests over ${durationText(target.warm?.durationMs ?? 0)}, peak ${+schedule.peakRate.toPrecision(4)} req/s (the warm phase's duration); no platform change`);
  }
  return { changes, estimatedSeconds: Math.ceil(ms / 1000) };
}
