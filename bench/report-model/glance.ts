// The at-a-glance comparison: one row per origin x target with the numbers that decide between
// platforms, the cold penalty split into the network's share and the rest, and the warm phases
// that met cold starts inside their timed requests.
import { coldInWarm, coldPenaltyUs, connectionSetupUs, rttUs } from '../results/derived.js';
import type { TargetResult } from '../results/types.js';

export interface GlanceRow {
  target: TargetResult;
  /** Null when the phase is missing or has no successful sample. */
  coldP50Us: number | null;
  coldPenaltyUs: number | null;
  rttUs: number | null;
  warmP50Us: number | null;
  warmP99Us: number | null;
  cost: { per1M: number; currency: string } | null;
  /** Failed calls and all calls of both phases. */
  errors: number;
  calls: number;
  coldInWarm: number | null;
}

/** Where the network share of a penalty comes from: the cold samples' own connection set-up
 *  (DNS + TCP + TLS), else the baseline RTT (the TCP handshake alone, a lower bound). */
export type NetworkShareSource = 'connection set-up' | 'rtt';

export interface PenaltyBar {
  target: TargetResult;
  penaltyUs: number;
  /** The network's share, within [0, penalty]; 0 when unknown. */
  networkUs: number;
  networkSource: NetworkShareSource | null;
  restUs: number;
  /** Bar lengths in percent of the largest penalty. */
  networkPct: number;
  restPct: number;
}

export interface Glance {
  rows: GlanceRow[];
  /** Targets with a cold penalty, in results order. */
  penalty: PenaltyBar[];
  /** Warm phases with cold starts inside the timed requests. */
  hiddenColdStarts: Array<{ target: TargetResult; coldInWarm: number }>;
}

function measured(phase: { summary: { count: number } } | undefined): boolean {
  return phase !== undefined && phase.summary.count > 0;
}

function glanceRow(t: TargetResult): GlanceRow {
  const { cold, warm } = t.phases;
  const per1M = t.cost?.per1MRequests;
  return {
    target: t,
    coldP50Us: cold && measured(cold) ? cold.summary.p50Us : null,
    coldPenaltyUs: coldPenaltyUs(t),
    rttUs: rttUs(t),
    warmP50Us: warm && measured(warm) ? warm.summary.p50Us : null,
    warmP99Us: warm && measured(warm) ? warm.summary.p99Us : null,
    cost: t.cost && typeof per1M === 'number' ? { per1M, currency: t.cost.currency } : null,
    errors: (cold?.summary.errors ?? 0) + (warm?.summary.errors ?? 0),
    calls: (cold ? cold.summary.count + cold.summary.errors : 0) + (warm?.requests ?? 0),
    coldInWarm: coldInWarm(t),
  };
}

function penaltyBars(targets: TargetResult[]): PenaltyBar[] {
  const withPenalty = targets.flatMap((t) => {
    const penaltyUs = coldPenaltyUs(t);
    return penaltyUs === null ? [] : [{ t, penaltyUs }];
  });
  const max = Math.max(0, ...withPenalty.map((p) => p.penaltyUs));
  const pct = (us: number) => (max > 0 ? (100 * us) / max : 0);
  return withPenalty.map(({ t, penaltyUs }) => {
    const setup = connectionSetupUs(t);
    const rtt = rttUs(t);
    const source: NetworkShareSource | null = setup !== null ? 'connection set-up' : rtt !== null ? 'rtt' : null;
    const positive = Math.max(0, penaltyUs);
    const networkUs = Math.min(positive, Math.max(0, setup ?? rtt ?? 0));
    const restUs = positive - networkUs;
    return { target: t, penaltyUs, networkUs, networkSource: source, restUs, networkPct: pct(networkUs), restPct: pct(restUs) };
  });
}

export function buildGlance(targets: TargetResult[]): Glance {
  return {
    rows: targets.filter((t) => t.phases.cold || t.phases.warm).map(glanceRow),
    penalty: penaltyBars(targets),
    hiddenColdStarts: targets.flatMap((t) => {
      const n = coldInWarm(t);
      return n !== null && n > 0 ? [{ target: t, coldInWarm: n }] : [];
    }),
  };
}
