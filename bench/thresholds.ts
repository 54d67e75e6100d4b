// Threshold expressions ("cold.p95 < 1500ms", "warm.p99 <= 0.2s", "errors.rate < 1%"): parse them
// when the target file is validated, evaluate them against results after the run. Any failure makes
// the run exit 1 (after every report is written).
import type { RunResults, TargetResult, ThresholdResult } from './results/types.js';
import type { LatencySummary } from './histograms.js';
import { msWithUnit } from './units.js';

export type ThresholdPhase = 'cold' | 'warm';
export const THRESHOLD_STATS = ['p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean'] as const;
export type ThresholdStat = (typeof THRESHOLD_STATS)[number];
export type ThresholdOperator = '<' | '<=';

export type ParsedThreshold =
  | { type: 'latency'; expression: string; phase: ThresholdPhase; stat: ThresholdStat; operator: ThresholdOperator; limitUs: number }
  /** Error rate in percent; `phase` undefined means both phases together. */
  | { type: 'errorRate'; expression: string; phase?: ThresholdPhase; operator: ThresholdOperator; limitPercent: number };

const UNIT_US: Record<string, number> = { us: 1, 'µs': 1, ms: 1000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };
const LATENCY = /^(cold|warm)\.([a-z0-9]+)\s*(<=|<|>=|>|==|=)\s*(.*)$/;
const ERROR_RATE = /^(?:(cold|warm)\.)?errors\.rate\s*(<=|<|>=|>|==|=)\s*(.*)$/;
const DURATION = /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)$/;
const PERCENT = /^(\d+(?:\.\d+)?)\s*%$/;

const SUMMARY_KEY: Record<ThresholdStat, keyof LatencySummary> = {
  p50: 'p50Us',
  p90: 'p90Us',
  p95: 'p95Us',
  p99: 'p99Us',
  p999: 'p999Us',
  max: 'maxUs',
  mean: 'meanUs',
};

const SYNTAX_HINT = 'expected "cold|warm.p50|p90|p95|p99|p999|max|mean < DURATION" (e.g. "cold.p95 < 1500ms") or "errors.rate < N%"';

/** Parse one expression; throws an Error whose message names the expression and what is wrong. */
export function parseThreshold(expr: string): ParsedThreshold {
  if (typeof expr !== 'string') throw new Error(`threshold ${JSON.stringify(expr)} is not a string; ${SYNTAX_HINT}`);
  const expression = expr.trim();
  const quoted = JSON.stringify(expr);
  const errorRate = ERROR_RATE.exec(expression);
  if (errorRate) {
    const [, phase, operator, value] = errorRate as unknown as [string, ThresholdPhase | undefined, string, string];
    checkOperator(operator, quoted);
    const percent = PERCENT.exec(value.trim());
    if (!percent) throw new Error(`threshold ${quoted}: expected a percentage like 1% after ${operator}, got ${JSON.stringify(value.trim())}`);
    const limitPercent = Number(percent[1]);
    if (limitPercent > 100) throw new Error(`threshold ${quoted}: an error rate cannot exceed 100%`);
    return { type: 'errorRate', expression, phase, operator: operator as ThresholdOperator, limitPercent };
  }
  const latency = LATENCY.exec(expression);
  if (!latency) throw new Error(`threshold ${quoted}: ${SYNTAX_HINT}`);
  const [, phase, stat, operator, value] = latency as unknown as [string, ThresholdPhase, string, string, string];
  if (!(THRESHOLD_STATS as readonly string[]).includes(stat)) {
    throw new Error(`threshold ${quoted}: unknown statistic ${JSON.stringify(stat)}; expected one of ${THRESHOLD_STATS.join(', ')}`);
  }
  checkOperator(operator, quoted);
  const duration = DURATION.exec(value.trim());
  if (!duration) throw new Error(`threshold ${quoted}: expected a duration like 500ms, 1.5s or 800us after ${operator}, got ${JSON.stringify(value.trim())}`);
  const limitUs = Math.round(Number(duration[1]) * (UNIT_US[duration[2] as string] ?? 1));
  return { type: 'latency', expression, phase, stat: stat as ThresholdStat, operator: operator as ThresholdOperator, limitUs };
}

function checkOperator(operator: string, quoted: string): void {
  if (operator !== '<' && operator !== '<=') {
    throw new Error(`threshold ${quoted}: operator ${JSON.stringify(operator)} is not supported; a threshold is an upper bound, use < or <=`);
  }
}

/** Messages for every invalid expression in a list (empty when all are valid). */
export function thresholdProblems(expressions: unknown[]): Array<{ index: number; message: string }> {
  const problems: Array<{ index: number; message: string }> = [];
  expressions.forEach((expr, index) => {
    try {
      parseThreshold(expr as string);
    } catch (err) {
      problems.push({ index, message: (err as Error).message });
    }
  });
  return problems;
}

function compare(actual: number, operator: ThresholdOperator, limit: number): boolean {
  return operator === '<' ? actual < limit : actual <= limit;
}

/**
 * Evaluate global thresholds against every target (every origin x target row) and per-target ones
 * against the targets of that name. A global threshold on a phase a target did not run is not
 * applicable and is left out; a per-target one fails (the user asked for that phase explicitly).
 * A target whose control plane failed fails every threshold that applies to it: a gate must not
 * pass because nothing was measured.
 */
export function evaluateThresholds(results: RunResults, global: string[], perTarget: Map<string, string[]>): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  const parsedGlobal = global.map(parseThreshold);
  for (const target of results.targets) {
    const own = (perTarget.get(target.name) ?? []).map(parseThreshold);
    for (const [list, explicit] of [[parsedGlobal, false], [own, true]] as const) {
      for (const threshold of list) {
        const result = evaluateOne(threshold, target, explicit);
        if (result === null) continue;
        out.push({ ...result, origin: target.origin });
      }
    }
  }
  return out;
}

/** Re-evaluate the thresholds recorded in results (e.g. after merging runs): each distinct
 *  expression is applied again to every row of the target it named. */
export function reevaluateRecorded(results: RunResults, recorded: ThresholdResult[]): ThresholdResult[] {
  const seen = new Set<string>();
  const out: ThresholdResult[] = [];
  for (const r of recorded) {
    const key = `${r.target}\u0000${r.expression}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const parsed = parseThreshold(r.expression);
    for (const target of results.targets.filter((t) => t.name === r.target)) {
      const result = evaluateOne(parsed, target, true);
      if (result) out.push({ ...result, origin: target.origin });
    }
  }
  return out;
}

function evaluateOne(threshold: ParsedThreshold, target: TargetResult, explicit: boolean): ThresholdResult | null {
  const base = { expression: threshold.expression, target: target.name };
  if (target.status === 'failed') {
    return { ...base, phase: threshold.phase, passed: false, actualUs: null, actual: null, message: `no data: the target failed (${target.failure ?? 'unknown reason'})` };
  }
  if (threshold.type === 'errorRate') {
    const phases = threshold.phase ? [threshold.phase] : (['cold', 'warm'] as const);
    let errors = 0;
    let attempts = 0;
    let measured = false;
    for (const phase of phases) {
      const summary = target.phases[phase]?.summary;
      if (!summary) continue;
      measured = true;
      // An open-model request dropped because it could not be sent in time is a failed request too.
      const dropped = phase === 'warm' ? (target.phases.warm?.dropped ?? 0) : 0;
      errors += summary.errors + dropped;
      attempts += summary.count + summary.errors + dropped;
    }
    if (!measured || attempts === 0) {
      if (!measured && !explicit) return null;
      return { ...base, phase: threshold.phase, passed: false, actual: null, message: 'no requests were made, so the error rate is unknown' };
    }
    const rate = (100 * errors) / attempts;
    const passed = compare(rate, threshold.operator, threshold.limitPercent);
    return {
      ...base,
      phase: threshold.phase,
      passed,
      actual: +rate.toFixed(4),
      message: `error rate ${+rate.toFixed(3)}% (${errors} of ${attempts}) ${passed ? 'within' : 'exceeds'} ${threshold.operator} ${threshold.limitPercent}%`,
    };
  }
  const phase = target.phases[threshold.phase];
  if (!phase) {
    if (!explicit) return null;
    return { ...base, phase: threshold.phase, passed: false, actualUs: null, message: `no ${threshold.phase} phase was measured for this target` };
  }
  if (phase.summary.count === 0) {
    return { ...base, phase: threshold.phase, passed: false, actualUs: null, message: `no successful ${threshold.phase} sample, so ${threshold.stat} is unknown` };
  }
  const actualUs = phase.summary[SUMMARY_KEY[threshold.stat]];
  const passed = compare(actualUs, threshold.operator, threshold.limitUs);
  return {
    ...base,
    phase: threshold.phase,
    passed,
    actualUs,
    message: `${threshold.phase} ${threshold.stat} ${msWithUnit(actualUs)} ${passed ? 'within' : 'exceeds'} ${threshold.operator} ${msWithUnit(threshold.limitUs)}`,
  };
}
