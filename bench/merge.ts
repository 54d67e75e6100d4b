// Merge several results.json into one: one row per origin x target. Rows of the same origin and
// target (repeated runs) pool their samples: histograms are added exactly, the summary is
// recomputed from the merged histogram, counters are summed. Thresholds recorded by the runs are
// re-evaluated against the merged rows.
import { createHistogram, decodeHistogram, type LatencyHistogram } from './histograms.js';
import type { RecordedFacts } from './results/platform-facts.js';
import { SCHEMA_VERSION, type ColdPhaseResult, type ColdSampleRecord, type NetworkFacts, type RunResults, type TargetResult, type WarmPhaseResult } from './results/types.js';
import { reevaluateRecorded } from './thresholds.js';
import { estimateCost } from './cost.js';
import { estimateCapacity } from './cost/capacity.js';
import { InputError } from './errors.js';

export function mergeRuns(runs: RunResults[]): RunResults {
  if (runs.length === 0) throw new RangeError('mergeRuns needs at least one results file');
  for (const run of runs) {
    if (run.schemaVersion !== SCHEMA_VERSION) {
      throw new InputError(`run ${JSON.stringify(run.run?.id)} has schemaVersion ${JSON.stringify(run.schemaVersion)}; this coldbench reads ${SCHEMA_VERSION}`);
    }
  }
  const groups = new Map<string, TargetResult[]>();
  for (const run of runs) {
    for (const target of run.targets) {
      const origin = target.origin || run.run.origin;
      const key = JSON.stringify([origin, target.name]);
      const list = groups.get(key) ?? [];
      list.push({ ...target, origin });
      groups.set(key, list);
    }
  }
  const targets = [...groups.values()].map(mergeTarget);
  const origins = [...new Set(targets.map((t) => t.origin))];
  const first = runs[0]!;
  const targetFiles = [...new Set(runs.map((r) => r.run.targetFile).filter((f): f is string => !!f))];
  const merged: RunResults = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'coldbench', version: first.tool.version },
    run: {
      id: runs.length === 1 ? first.run.id : `merged-${runs.map((r) => r.run.id).join('+')}`.slice(0, 200),
      origin: origins.join(', '),
      origins,
      startedAt: minIso(runs.map((r) => r.run.startedAt)),
      endedAt: maxIso(runs.map((r) => r.run.endedAt)),
      partial: runs.some((r) => r.run.partial),
      ...(targetFiles.length > 0 ? { targetFile: targetFiles.join(', ') } : {}),
      mergedFrom: runs.flatMap((r) => r.run.mergedFrom ?? [r.run.id]),
      ...(first.run.cost ? { cost: first.run.cost } : {}),
      ...(runs.some((r) => r.run.parallelOrigins) ? { parallelOrigins: true } : {}),
    },
    targets,
    thresholds: [],
  };
  merged.thresholds = runs.length === 1 ? first.thresholds : reevaluateRecorded(merged, runs.flatMap((r) => r.thresholds));
  return merged;
}

function mergeTarget(rows: TargetResult[]): TargetResult {
  const first = rows[0]!;
  if (rows.length === 1) return first;
  const ok = rows.filter((r) => r.status !== 'failed');
  const status: TargetResult['status'] = ok.length === 0 ? 'failed' : ok.length === rows.length && rows.every((r) => r.status === 'ok') ? 'ok' : 'partial';
  const failures = rows.filter((r) => r.failure).map((r) => r.failure!);
  const warnings = [...new Set(rows.flatMap((r) => r.warnings ?? []))];
  const cold = mergeCold(rows.map((r) => r.phases.cold).filter((p): p is ColdPhaseResult => !!p), first);
  const warm = mergeWarm(rows.map((r) => r.phases.warm).filter((p): p is WarmPhaseResult => !!p), first);
  const merged: TargetResult = {
    ...first,
    status,
    ...(failures.length > 0 ? { failure: [...new Set(failures)].join('; ') } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
    platform: rows.map((r) => r.platform).reduce(mergeFacts),
    phases: { ...(cold ? { cold } : {}), ...(warm ? { warm } : {}) },
  };
  const network = mergeNetwork(rows.map((r) => r.network).filter((n): n is NetworkFacts => !!n));
  if (network) merged.network = network;
  else delete merged.network;
  if (!failures.length) delete merged.failure;
  delete merged.cost;
  delete merged.capacity;
  const capacity = estimateCapacity(merged);
  if (capacity) merged.capacity = capacity;
  // Recompute the cost from the pooled numbers with the price overrides the runs used.
  const overrides = first.cost?.overrides ?? {};
  try {
    merged.cost = estimateCost(merged, overrides);
  } catch {
    if (first.cost) merged.cost = first.cost;
  }
  return merged;
}

/** Facts of repeated runs of one target: later runs add to (and win over) earlier ones. */
function mergeFacts(merged: RecordedFacts, next: RecordedFacts): RecordedFacts {
  return next.kind === merged.kind ? Object.assign({}, merged, next) : merged;
}

function addHistograms(encoded: string[], where: string): LatencyHistogram {
  const out = createHistogram();
  for (const e of encoded) {
    let h: LatencyHistogram;
    try {
      h = decodeHistogram(e);
    } catch (err) {
      throw new InputError(`${where}: unreadable histogram (${(err as Error).message})`);
    }
    out.add(h);
    h.destroy();
  }
  return out;
}

function sumCounts<K extends string>(maps: Array<Partial<Record<K, number>>>): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const m of maps) for (const [k, v] of Object.entries(m) as Array<[K, number]>) out[k] = (out[k] ?? 0) + v;
  return out;
}

function mergeCold(phases: ColdPhaseResult[], target: TargetResult): ColdPhaseResult | undefined {
  if (phases.length === 0) return undefined;
  if (phases.length === 1) return phases[0];
  const histogram = addHistograms(phases.map((p) => p.histogram), `target ${JSON.stringify(target.name)} (${target.origin}) cold`);
  const errors = phases.reduce((n, p) => n + p.summary.errors, 0);
  // Pool the samples in time order, numbered again from 0.
  const samples: ColdSampleRecord[] = phases
    .flatMap((p) => p.samples)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
    .map((s, seq) => ({ ...s, seq }));
  const strategies = [...new Set(phases.map((p) => p.strategy))];
  const out: ColdPhaseResult = {
    ...phases[0]!,
    summary: histogram.summary(errors),
    histogram: histogram.encode(),
    strategy: strategies.join(', '),
    verified: phases.reduce((n, p) => n + p.verified, 0),
    notCold: phases.reduce((n, p) => n + p.notCold, 0),
    unverified: phases.reduce((n, p) => n + p.unverified, 0),
    samples,
    errorsByKind: sumCounts(phases.map((p) => p.errorsByKind)),
  };
  histogram.destroy();
  return out;
}

function mergeWarm(phases: WarmPhaseResult[], target: TargetResult): WarmPhaseResult | undefined {
  if (phases.length === 0) return undefined;
  if (phases.length === 1) return phases[0];
  const histogram = addHistograms(phases.map((p) => p.histogram), `target ${JSON.stringify(target.name)} (${target.origin}) warm`);
  const errors = phases.reduce((n, p) => n + p.summary.errors, 0);
  const requests = phases.reduce((n, p) => n + p.requests, 0);
  const durationUs = phases.reduce((n, p) => n + p.durationUs, 0);
  const out: WarmPhaseResult = {
    ...phases[0]!,
    summary: histogram.summary(errors),
    histogram: histogram.encode(),
    requests,
    durationUs,
    // Repeated runs are sequential: pooled throughput is total requests over total measured time.
    throughputRps: durationUs > 0 ? +((requests * 1e6) / durationUs).toFixed(3) : 0,
    errorsByKind: sumCounts(phases.map((p) => p.errorsByKind)),
  };
  // The platform's mean billed duration, weighted by the successful calls of each run.
  const billed = phases.filter((p) => p.billedDurationMsMean !== undefined && p.summary.count > 0);
  delete out.billedDurationMsMean;
  if (billed.length === phases.length) {
    const calls = billed.reduce((n, p) => n + p.summary.count, 0);
    out.billedDurationMsMean = billed.reduce((sum, p) => sum + (p.billedDurationMsMean ?? 0) * p.summary.count, 0) / calls;
  }
  for (const key of ['scheduled', 'sent', 'late', 'dropped'] as const) {
    if (phases.some((p) => p[key] !== undefined)) out[key] = phases.reduce((n, p) => n + (p[key] ?? 0), 0);
  }
  // Cold starts inside the phases add up where every run could tell; the instances are those of
  // the busiest run (the runs were one after another, not side by side).
  const colds = phases.map((p) => p.coldInWarm);
  if (colds.some((c) => c !== undefined)) out.coldInWarm = colds.every((c) => typeof c === 'number') ? colds.reduce((n: number, c) => n + (c ?? 0), 0) : null;
  const instances = phases.map((p) => p.instances).filter((i): i is number => typeof i === 'number');
  if (phases.some((p) => p.instances !== undefined)) out.instances = instances.length > 0 ? Math.max(...instances) : null;
  histogram.destroy();
  return out;
}

/** Network baselines of repeated runs: every attempt pooled, the RTT the fastest connect of all. */
function mergeNetwork(all: NetworkFacts[]): NetworkFacts | undefined {
  if (all.length <= 1) return all[0];
  const rtts = all.map((n) => n.rttUs).filter((r): r is number => typeof r === 'number');
  const tls = all.some((n) => n.tls === true);
  return {
    ...all[0]!,
    rttUs: rtts.length > 0 ? Math.min(...rtts) : null,
    samples: all.reduce((n, x) => n + (x.samples ?? 0), 0),
    connectUs: all.flatMap((x) => x.connectUs ?? []),
    tlsUs: tls ? all.flatMap((x) => x.tlsUs ?? []) : null,
    errors: all.reduce((n, x) => n + (x.errors ?? 0), 0),
  };
}

function minIso(values: string[]): string {
  return [...values].sort()[0] ?? '';
}
function maxIso(values: string[]): string {
  return [...values].sort().at(-1) ?? '';
}
