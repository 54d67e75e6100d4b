// An origin's results as they enter the merge: labelled with the origin's name whatever the remote
// harness called itself, and, for an origin that produced nothing, one failed (or, after Ctrl-C,
// partial) row per target with the origin's reason, so the report keeps its origin x target shape.
import type { RunConfig } from '../config/schema.js';
import { SCHEMA_VERSION, type RunResults, type TargetResult } from '../results/types.js';
import { attachCostsAndThresholds, configEcho } from '../runner.js';
import { TOOL_VERSION } from '../version.js';

export function labelledAs(results: RunResults, origin: string): RunResults {
  return { ...results, run: { ...results.run, origin, origins: [origin] }, targets: results.targets.map((t) => ({ ...t, origin })) };
}

export function failedOriginResults(config: RunConfig, origin: string, run: { id: string; startedAt: string; failure?: string; interrupted: boolean }): RunResults {
  const targets: TargetResult[] = config.targets.map((t) => ({
    name: t.name,
    kind: t.kind,
    region: t.region,
    origin,
    // Interrupted before the origin measured anything: partial, not a platform failure.
    status: run.failure || !run.interrupted ? 'failed' : 'partial',
    ...(run.failure || !run.interrupted ? { failure: `origin ${origin}: ${run.failure ?? 'no results'}` } : {}),
    config: configEcho(t),
    platform: { kind: t.kind },
    phases: {},
  }));
  const results: RunResults = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'coldbench', version: TOOL_VERSION },
    run: { id: run.id, origin, origins: [origin], startedAt: run.startedAt, endedAt: new Date().toISOString(), partial: run.interrupted },
    targets,
    thresholds: [],
  };
  attachCostsAndThresholds(results, config);
  return results;
}
