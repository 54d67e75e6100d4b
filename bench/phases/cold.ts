// Cold phase: sequential samples, each forced cold (untimed control plane), then one timed call.
// A sample is verified cold when the platform says so or when its instance was never seen before
// in this run; a sample verified *not* cold is kept in `samples` but left out of the histogram.
import type { Adapter, Invocation } from '../adapters/types.js';
import type { ColdConfig } from '../config/schema.js';
import type { ErrorKind } from '../errors.js';
import { createHistogram } from '../histograms.js';
import type { ColdPhaseResult, ColdSampleRecord } from '../results/types.js';

export interface ColdPhaseOptions {
  signal: AbortSignal;
  /** Instances already seen in this run (shared across phases of one target). */
  seenInstances: Set<string>;
  onSample?: (sample: ColdSampleRecord, done: number, total: number) => void;
}

/** Verdict on one sample: the platform's word first, then the instance's uptime (cold only if the
 *  instance started after the request was sent: its uptime is at most the request's latency), then
 *  the instance header (an instance never seen before), else unknown. */
export function verifyCold(invocation: Invocation, seenInstances: ReadonlySet<string>, usesInstanceHeader: boolean): boolean | null {
  if (invocation.error) return null;
  if (invocation.platformCold !== undefined) return invocation.platformCold;
  if (typeof invocation.instanceUptimeUs === 'number') return invocation.instanceUptimeUs <= invocation.latencyUs;
  if (usesInstanceHeader) {
    if (!invocation.instance) return null;
    return !seenInstances.has(invocation.instance);
  }
  return null;
}

export function toSampleRecord(seq: number, invocation: Invocation, cold: boolean | null, strategy: string, controlPlaneUs: number | null): ColdSampleRecord {
  return {
    seq,
    startedAt: new Date(invocation.startedAtMs).toISOString(),
    latencyUs: invocation.latencyUs,
    status: invocation.status,
    error: invocation.error,
    ...(invocation.errorMessage ? { errorMessage: invocation.errorMessage } : {}),
    cold,
    initUs: invocation.initUs ?? null,
    instance: invocation.instance ?? null,
    strategy,
    controlPlaneUs,
    dnsUs: invocation.timing?.dnsUs ?? null,
    connectUs: invocation.timing?.connectUs ?? null,
    tlsUs: invocation.timing?.tlsUs ?? null,
    ttfbUs: invocation.timing?.ttfbUs ?? null,
    extra: invocation.extra ?? {},
  };
}

/** Build the phase result (summary and histogram) from its samples: also used to rebuild from a checkpoint. */
export function summariseColdSamples(samples: ColdSampleRecord[], strategy: string): ColdPhaseResult {
  const histogram = createHistogram();
  const errorsByKind: Partial<Record<ErrorKind, number>> = {};
  let errors = 0;
  let verified = 0;
  let notCold = 0;
  let unverified = 0;
  for (const s of samples) {
    if (s.error) {
      errors += 1;
      errorsByKind[s.error] = (errorsByKind[s.error] ?? 0) + 1;
      continue;
    }
    if (s.cold === true) verified += 1;
    else if (s.cold === false) notCold += 1;
    else unverified += 1;
    if (s.cold !== false) histogram.record(s.latencyUs);
  }
  return {
    summary: histogram.summary(errors),
    histogram: histogram.encode(),
    strategy,
    verified,
    notCold,
    unverified,
    samples,
    errorsByKind,
  };
}

export async function runColdPhase(adapter: Adapter, cold: ColdConfig, options: ColdPhaseOptions): Promise<ColdPhaseResult> {
  const samples: ColdSampleRecord[] = [];
  const usesInstanceHeader = cold.instanceHeader !== undefined;
  for (let seq = 0; seq < cold.samples; seq += 1) {
    if (options.signal.aborted) break;
    const preparation = await adapter.forceCold(seq);
    if (options.signal.aborted) break;
    const invocation = await adapter.sampleCold(seq);
    if (options.signal.aborted && invocation.error === 'timeout') break; // aborted mid-call: not a sample
    const cold_ = verifyCold(invocation, options.seenInstances, usesInstanceHeader);
    if (invocation.instance) options.seenInstances.add(invocation.instance);
    const record = toSampleRecord(seq, invocation, cold_, cold.strategy, preparation.controlPlaneUs ?? null);
    samples.push(record);
    options.onSample?.(record, samples.length, cold.samples);
  }
  return summariseColdSamples(samples, cold.strategy);
}
