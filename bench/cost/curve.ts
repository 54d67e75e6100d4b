// Monthly cost as traffic grows: one curve per target, as pieces that are linear in the monthly
// request count (a per-request bill is one line, or a few once free tiers run out; a node bill is
// flat between whole-node steps). Pure functions of a target of results.json and the options, so
// every report draws the same numbers; break-even points are found exactly between the pieces.
import { costInputOf, resolvePrices, type PriceTable } from '../pricing.js';
import type { CapacityEstimate, TargetResult } from '../results/types.js';
import { decimal } from '../units.js';
import { estimateCapacity } from './capacity.js';
import { costModelOf, type PricedModel } from './models.js';
import { nodePlan, nodesAt, podsAt, type NodePlan } from './nodes.js';
import { lambdaUsage, requestBasedUsage, round, type Meter } from './serverless.js';

/** cost = intercept + slope x requests, for requests in [from, to] (where two pieces meet, the
 *  later one holds from just after `from`). */
export interface CurvePiece {
  from: number;
  to: number;
  intercept: number;
  slope: number;
}

export interface ColdStartPricing {
  /** Share of requests that meet a cold start. */
  rate: number;
  rateSource: string;
  /** A cold request in full, and what it adds to a warm one. */
  perColdStart: number | null;
  extra: number | null;
}

export interface MonthlyCurve {
  model: PricedModel;
  currency: string;
  pricesDate: string;
  /** Hours in the billing month (requests a month / (this x 3600) = requests a second). */
  monthHours: number;
  pieces: CurvePiece[];
  /** The pieces stop here (too many node steps to list); null: they reach maxRequests. */
  truncatedAt: number | null;
  instances: { type: 'pods'; plan: NodePlan } | { type: 'serverless'; capacity: CapacityEstimate | null };
  /** Serverless only. */
  coldStart: ColdStartPricing | null;
  basis: string[];
}

export type CurveResult = { ok: true; curve: MonthlyCurve } | { ok: false; reason: string };

export interface CurveOptions {
  freeTier: boolean;
  /** Pieces are listed up to this many requests a month. */
  maxRequests: number;
}

/** Node steps listed at most (past this the curve is truncated, and says so). */
const MAX_PIECES = 20_000;

export function monthlyCurve(target: TargetResult, options: CurveOptions): CurveResult {
  const overrides = target.cost?.overrides ?? {};
  let prices: PriceTable;
  try {
    prices = resolvePrices(overrides);
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  const model = costModelOf(target, overrides);
  if (model === null) return { ok: false, reason: `no cost model for kind ${target.kind}; set pricing."node.hour" to price it from node hours` };
  const capacity = target.capacity ?? estimateCapacity(target);
  const base = { model, currency: prices.currency, pricesDate: prices.date, monthHours: prices['month.hours'] };
  if (model === 'node-hours') {
    const plan = nodePlan(target, prices, overrides, capacity);
    if (plan.podMonthRequests === null) return { ok: false, reason: 'no warm phase: the capacity per pod is unknown' };
    const { pieces, truncatedAt } = nodePieces(plan, options.maxRequests);
    const basis = truncatedAt === null ? plan.basis : [...plan.basis, `${MAX_PIECES} node steps listed, up to ${Math.round(truncatedAt)} requests a month: break-even points past that are not looked for`];
    return { ok: true, curve: { ...base, pieces, truncatedAt, instances: { type: 'pods', plan }, coldStart: null, basis } };
  }
  const usage = model === 'lambda' ? lambdaUsage(target, prices) : requestBasedUsage(target, prices);
  if (usage.meters === null) return { ok: false, reason: 'no warm phase: the billed time per request is unknown' };
  const rate = coldStartRate(target, overrides);
  const basis = [...usage.basis, `cold starts: ${round(rate.rate * 100, 4)}% of requests (${rate.source})${usage.coldStartExtra !== null ? `, each adding ${decimal(+usage.coldStartExtra.toPrecision(3))} ${prices.currency} to a warm request` : ''}`];
  if (options.freeTier) basis.push(`free tier subtracted: ${usage.meters.map((m) => `${m.free} ${m.unit}`).join(', ')} a month`);
  return {
    ok: true,
    curve: {
      ...base,
      pieces: meteredPieces(usage.meters, rate.rate, options),
      truncatedAt: null,
      instances: { type: 'serverless', capacity },
      coldStart: { rate: rate.rate, rateSource: rate.source, perColdStart: usage.perColdStart, extra: usage.coldStartExtra },
      basis,
    },
  };
}

/** The share of requests that meet a cold start: pricing.coldStartRate, else what the timed warm
 *  phase saw (cold starts inside it over its requests), else 0 (and the source says so). */
export function coldStartRate(target: TargetResult, overrides: Record<string, number | string>): { rate: number; source: string } {
  const given = costInputOf(overrides, 'coldStartRate');
  if (given !== null) return { rate: given, source: 'pricing.coldStartRate' };
  const warm = target.phases.warm;
  if (warm && typeof warm.coldInWarm === 'number' && warm.requests > 0) {
    return { rate: warm.coldInWarm / warm.requests, source: `${warm.coldInWarm} cold starts in ${warm.requests} warm requests of the run` };
  }
  return { rate: 0, source: 'the run recorded no cold start among its warm requests; set pricing.coldStartRate' };
}

/** cost(x) = sum over meters of price x max(0, x x units per request - free): linear pieces that
 *  bend where a meter's free tier runs out. */
function meteredPieces(meters: Meter[], rate: number, options: CurveOptions): CurvePiece[] {
  const used = meters.map((m) => ({ price: m.unitPrice, perRequest: m.perRequest + rate * m.perColdStart, free: options.freeTier ? m.free : 0 }));
  const bends = [...new Set(used.filter((m) => m.free > 0 && m.perRequest > 0).map((m) => m.free / m.perRequest))].sort((a, b) => a - b);
  const edges = [0, ...bends.filter((b) => b < options.maxRequests), Math.max(options.maxRequests, 0)];
  const pieces: CurvePiece[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const from = edges[i]!;
    const to = edges[i + 1]!;
    if (!(to > from)) continue;
    let intercept = 0;
    let slope = 0;
    const mid = (from + to) / 2;
    for (const m of used) {
      // Past its free tier on this piece (bends are edges, so the middle tells for all of it).
      if (m.perRequest * mid > m.free) {
        slope += m.price * m.perRequest;
        intercept -= m.price * m.free;
      }
    }
    pieces.push({ from, to, intercept, slope });
  }
  return pieces;
}

/** Flat between whole-node steps: nodes(x) = max(floor, ceil(pods(x) / pods per node)). */
function nodePieces(plan: NodePlan, maxRequests: number): { pieces: CurvePiece[]; truncatedAt: number | null } {
  const pieces: CurvePiece[] = [];
  let from = 0;
  if (plan.idleBelow !== null) {
    pieces.push({ from: 0, to: Math.min(plan.idleBelow, maxRequests), intercept: plan.floorNodes * plan.nodeMonth, slope: 0 });
    from = plan.idleBelow;
  }
  const perNodeStep = (plan.podMonthRequests ?? 0) * plan.podsPerNode;
  const base = Math.max(plan.floorNodes, Math.ceil(Math.max(plan.minPods, 1) / plan.podsPerNode));
  while (from < maxRequests) {
    if (pieces.length >= MAX_PIECES) return { pieces, truncatedAt: from };
    const nodes = perNodeStep > 0 ? Math.max(base, Math.floor(from / perNodeStep) + 1) : base;
    const to = perNodeStep > 0 ? Math.min(nodes * perNodeStep, maxRequests) : maxRequests;
    pieces.push({ from, to, intercept: nodes * plan.nodeMonth, slope: 0 });
    from = to;
  }
  return { pieces, truncatedAt: null };
}

/** Monthly cost at `requests` a month (null past a truncated curve). */
export function costAt(curve: MonthlyCurve, requests: number): number | null {
  if (curve.instances.type === 'pods') {
    const nodes = nodesAt(curve.instances.plan, requests);
    return nodes === null ? null : nodes * curve.instances.plan.nodeMonth;
  }
  const piece = curve.pieces.find((p) => requests <= p.to) ?? curve.pieces.at(-1);
  return piece ? piece.intercept + piece.slope * requests : null;
}

/** Instances (pods) busy at `requests` a month: pods for the node model; for a per-request
 *  platform, the instances its measured capacity needs (null when unknown). */
export function instancesAt(curve: MonthlyCurve, requests: number): number | null {
  if (curve.instances.type === 'pods') return podsAt(curve.instances.plan, requests);
  const capacity = curve.instances.capacity;
  if (!capacity || !(capacity.rpsPerInstance > 0)) return null;
  if (requests <= 0) return 0;
  return Math.ceil(requests / (curve.monthHours * 3600) / capacity.rpsPerInstance - 1e-12);
}
