// Elasticsearch bulk NDJSON: per document an action line `{"create":{"_id":...}}` and the
// document, for `POST <index>/_bulk` (indices and data streams alike: data streams take only
// `create`). One document per cold sample (warm requests are summarised, not listed) and one per
// phase summary, each with `@timestamp`. `_id` is derived from run, origin, target, phase and
// sample, so loading the same file twice adds nothing (the second `create` is a conflict).
// Every run given is exported (this is a history, not a current state). Field names follow
// summary.csv / samples.csv; a field never changes type between documents, so one dynamic
// mapping fits both kinds of documents.
import { createHash } from 'node:crypto';
import { coldInWarm, coldPenaltyUs, errorRate, rttUs } from '../results/derived.js';
import type { RunResults, TargetResult } from '../results/types.js';

type Doc = Record<string, unknown>;
export interface BulkDocument {
  id: string;
  doc: Doc;
}

const ms = (us: number | null | undefined): number | null => (typeof us === 'number' && Number.isFinite(us) ? us / 1000 : null);

function documentId(parts: Array<string | number>): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40);
}

function targetFields(run: RunResults, t: TargetResult): Doc {
  return { run_id: run.run.id, origin: t.origin, target: t.name, kind: t.kind, region: t.region };
}

function summaryDocs(run: RunResults, t: TargetResult): BulkDocument[] {
  const out: BulkDocument[] = [];
  const perTarget = {
    target_status: t.status,
    cold_penalty_ms: ms(coldPenaltyUs(t)),
    rtt_ms: ms(rttUs(t)),
    cost_per_1m_requests: t.cost?.per1MRequests ?? null,
    cost_currency: t.cost?.currency ?? null,
  };
  for (const phase of ['cold', 'warm'] as const) {
    const p = t.phases[phase];
    if (!p) continue;
    const s = p.summary;
    const latency = (us: number) => (s.count > 0 ? ms(us) : null);
    const doc: Doc = {
      '@timestamp': run.run.startedAt,
      doc_type: 'summary',
      ...targetFields(run, t),
      phase,
      samples: s.count,
      errors: s.errors,
      error_rate: errorRate(p),
      errors_by_kind: p.errorsByKind,
      min_ms: latency(s.minUs),
      p50_ms: latency(s.p50Us),
      p90_ms: latency(s.p90Us),
      p95_ms: latency(s.p95Us),
      p99_ms: latency(s.p99Us),
      p999_ms: latency(s.p999Us),
      max_ms: latency(s.maxUs),
      mean_ms: latency(s.meanUs),
      stddev_ms: latency(s.stddevUs),
      ...perTarget,
    };
    if ('verified' in p) Object.assign(doc, { strategy: p.strategy, verified: p.verified, not_cold: p.notCold, unverified: p.unverified });
    if ('model' in p) Object.assign(doc, { model: p.model, requests: p.requests, throughput_rps: p.throughputRps, duration_ms: ms(p.durationUs), cold_in_warm: coldInWarm(t) });
    out.push({ id: documentId([run.run.id, t.origin, t.name, phase, 'summary']), doc });
  }
  return out;
}

function sampleDocs(run: RunResults, t: TargetResult): BulkDocument[] {
  return (t.phases.cold?.samples ?? []).map((s) => ({
    id: documentId([run.run.id, t.origin, t.name, 'cold', s.seq]),
    doc: {
      '@timestamp': s.startedAt,
      doc_type: 'sample',
      ...targetFields(run, t),
      phase: 'cold',
      seq: s.seq,
      latency_ms: ms(s.latencyUs),
      status: s.status,
      error: s.error,
      cold: s.cold,
      init_ms: ms(s.initUs),
      instance: s.instance,
      strategy: s.strategy,
      control_plane_ms: ms(s.controlPlaneUs),
      dns_ms: ms(s.dnsUs),
      connect_ms: ms(s.connectUs),
      tls_ms: ms(s.tlsUs),
      ttfb_ms: ms(s.ttfbUs),
    },
  }));
}

export function bulkDocuments(runs: RunResults[]): BulkDocument[] {
  return runs.flatMap((run) => run.targets.flatMap((t) => [...summaryDocs(run, t), ...sampleDocs(run, t)]));
}

export function renderBulkNdjson(runs: RunResults[]): string {
  return bulkDocuments(runs)
    .map(({ id, doc }) => `${JSON.stringify({ create: { _id: id } })}\n${JSON.stringify(doc)}\n`)
    .join('');
}
