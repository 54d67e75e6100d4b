// `coldbench plan` as text (a table, then per target what was read, what will change, the time and
// the cost, and every problem with its fix) and as JSON. Words and layout only: plan/target.ts
// computed every number.
import type { PlanOutput, TargetPlan } from './types.js';

const seconds = (s: number) => (s >= 120 ? `${Math.round(s / 6) / 10} min` : `${Math.round(s)} s`);
const money = (amount: number | null, currency: string) => (amount === null ? 'n/a' : `${currency === 'USD' ? '$' : `${currency} `}${amount < 0.01 ? amount.toPrecision(2) : amount.toFixed(2)}`);

function verdict(t: TargetPlan): string {
  const errors = t.problems.filter((p) => p.severity === 'error').length;
  const warnings = t.problems.length - errors;
  if (errors > 0) return `ERROR (${errors})`;
  return warnings > 0 ? `ready, ${warnings} warning${warnings === 1 ? '' : 's'}` : 'ready';
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

function factsLine(t: TargetPlan): string | null {
  if (!t.facts) return null;
  const parts = Object.entries({ ...t.facts, ...t.details })
    .filter(([k, v]) => k !== 'kind' && v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k} ${String(v)}`);
  return parts.length ? parts.join(', ') : null;
}

function targetBlock(t: TargetPlan): string[] {
  const lines = [`${t.name} (${t.kind}): ${verdict(t)}`];
  const where = Object.entries(t.where).map(([k, v]) => `${k} ${v}`);
  if (where.length) lines.push(`  where:   ${where.join(', ')}`);
  const facts = factsLine(t);
  if (facts) lines.push(`  read:    ${facts}`);
  if (t.network) {
    const tls = t.network.tlsUs && t.network.tlsUs.length ? `, TLS ${(Math.min(...t.network.tlsUs) / 1000).toFixed(2)} ms` : '';
    lines.push(`  network: ${t.network.host}:${t.network.port} rtt ${t.network.rttUs === null ? 'not measured' : `${(t.network.rttUs / 1000).toFixed(2)} ms`}${tls} (connect only, no request)`);
  }
  lines.push(t.changes.length ? '  changes:' : '  changes: none on the platform');
  for (const c of t.changes) lines.push(`    - ${c}`);
  lines.push(`  time:    ~${seconds(t.estimatedSeconds)} (${t.timeBasis.join('; ')})`);
  lines.push(`  cost:    ${t.cost.amount === null ? '' : '~'}${money(t.cost.amount, t.cost.currency)} (${t.cost.basis.join('; ')})`);
  for (const p of t.problems) lines.push(`  ${p.severity === 'error' ? '✖ error' : '⚠ warning'}: ${p.message}`);
  return lines;
}

export function formatPlan(plan: PlanOutput): string {
  const rows = [['target', 'kind', 'status', 'changes', 'time', 'cost'], ...plan.targets.map((t) => [t.name, t.kind, verdict(t), String(t.changes.length), `~${seconds(t.estimatedSeconds)}`, money(t.cost.amount, t.cost.currency)])];
  const out = [`plan of ${plan.file}: nothing was changed and no request was sent`, '', table(rows), ''];
  for (const t of plan.targets) out.push(...targetBlock(t), '');
  if (plan.origins.length) {
    out.push('with --origins, each origin runs every target remotely (they run one after another):');
    for (const o of plan.origins) {
      out.push(`  ${o.origin} (${o.engine}): ~${seconds(o.estimatedSeconds)}`);
      for (const c of o.creates) out.push(`    + creates ${c}`);
      for (const r of o.removes) out.push(`    - removes ${r}`);
    }
    out.push('');
  }
  const errors = plan.targets.filter((t) => !t.ready).map((t) => t.name);
  out.push(errors.length ? `not ready: ${errors.join(', ')} (exit 3); the other targets would run` : `ready: ${plan.targets.length} target${plan.targets.length === 1 ? '' : 's'}, ~${seconds(plan.estimatedSeconds)} in all`);
  return `${out.join('\n')}\n`;
}
