// Numbers derived from one target of results.json, shared by every consumer (exporters, history,
// reports): each is defined once here so all outputs agree. Integer microseconds in, like the file.
import type { RunResults, TargetResult } from './types.js';

type Phase = NonNullable<TargetResult['phases']['cold']> | NonNullable<TargetResult['phases']['warm']>;

/** Cold penalty = cold p50 - warm p50 (µs): what a cold start costs over a warm call. Null when
 *  either phase is missing or has no successful sample. */
export function coldPenaltyUs(target: TargetResult): number | null {
  const cold = target.phases.cold?.summary;
  const warm = target.phases.warm?.summary;
  if (!cold || !warm || cold.count === 0 || warm.count === 0) return null;
  return cold.p50Us - warm.p50Us;
}

/** Round-trip time to the data-plane host (µs, minimum TCP connect time), when it was measured. */
export function rttUs(target: TargetResult): number | null {
  const rtt = target.network?.rttUs;
  return typeof rtt === 'number' && Number.isFinite(rtt) && rtt >= 0 ? rtt : null;
}

/** Failed calls / all calls of a phase (0..1); null when the phase made no call. */
export function errorRate(phase: Phase | undefined): number | null {
  if (!phase) return null;
  const calls = phase.summary.count + phase.summary.errors;
  return calls > 0 ? phase.summary.errors / calls : null;
}

/** Estimated cost per million requests in USD, when there is an estimate priced in USD. */
export function costUsdPer1M(target: TargetResult): number | null {
  const cost = target.cost;
  if (!cost || cost.currency !== 'USD' || typeof cost.per1MRequests !== 'number' || !Number.isFinite(cost.per1MRequests)) return null;
  return cost.per1MRequests;
}

/** Failed calls of a phase by error kind, every kind with a count; calls counted in the summary
 *  but in no kind are `other`, so the kinds always add up to summary.errors. */
export function errorsByKind(phase: Phase): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  let listed = 0;
  for (const [kind, n] of Object.entries(phase.errorsByKind)) {
    if (typeof n !== 'number' || !(n > 0)) continue;
    out.push([kind, n]);
    listed += n;
  }
  const rest = phase.summary.errors - listed;
  if (rest > 0) {
    const other = out.find(([kind]) => kind === 'other');
    if (other) other[1] += rest;
    else out.push(['other', rest]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What opening the cold samples' fresh connections cost (µs): the median, over the cold samples
 *  in the histogram that carry a timing split, of DNS + TCP connect + TLS handshake. A warm call on
 *  an open connection pays none of it, so it is the network's share of the cold penalty. Null when
 *  no such sample has a split. */
export function connectionSetupUs(target: TargetResult): number | null {
  const setups: number[] = [];
  for (const s of target.phases.cold?.samples ?? []) {
    if (s.error !== null || s.cold === false || s.connectUs === null) continue;
    setups.push((s.dnsUs ?? 0) + s.connectUs + (s.tlsUs ?? 0));
  }
  if (setups.length === 0) return null;
  setups.sort((a, b) => a - b);
  const mid = setups.length >> 1;
  return setups.length % 2 ? setups[mid]! : Math.round((setups[mid - 1]! + setups[mid]!) / 2);
}

/** Cold starts inside the timed warm phase, when they could be told. */
export function coldInWarm(target: TargetResult): number | null {
  const n = target.phases.warm?.coldInWarm;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** The results with their derived numbers written in (per target coldPenaltyUs), as results.json
 *  carries them: always recomputed, so a merged or re-rendered run cannot carry a stale one. */
export function withDerivedNumbers(results: RunResults): RunResults {
  return { ...results, targets: results.targets.map((t) => ({ ...t, coldPenaltyUs: coldPenaltyUs(t) })) };
}
