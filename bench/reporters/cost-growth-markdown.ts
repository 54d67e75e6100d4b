// summary.md's "Cost as traffic grows": monthly cost per target at each decade of traffic (and
// --traffic), the break-even traffic of every pair, and what cold starts cost at --traffic.
import type { CostGrowthModel, CostPair } from '../report-model/cost-growth.js';
import type { TargetResult } from '../results/types.js';
import { countShort, markdownCell, moneyShort, msShort } from './format.js';

export function formatCostGrowthMarkdown(growth: CostGrowthModel, severalOrigins: boolean): string {
  if (growth.rows.length === 0 && growth.unpriced.length === 0) return '';
  const label = (t: TargetResult) => markdownCell(t.name + (severalOrigins ? ` @ ${t.origin}` : ''));
  const traffic = growth.options.traffic;
  const shown = growth.levels.filter((x) => Number.isInteger(Math.log10(x)) || x === traffic);
  const lines = [
    `## Cost as traffic grows (estimate, prices as of ${growth.pricesDates.join(', ') || '–'})`,
    '',
    `Monthly cost at each traffic level (requests a month)${growth.options.freeTier ? ', free tiers subtracted' : ', no free tier'}; every level in costs.csv.`,
    '',
  ];
  if (growth.rows.length > 0) {
    lines.push(`| target | ${shown.map((x) => (x === traffic ? `**${countShort(x)}** (--traffic)` : countShort(x))).join(' | ')} |`);
    lines.push(`|---|${shown.map(() => '--:').join('|')}|`);
    for (const row of growth.rows) {
      const cells = shown.map((x) => moneyShort(row.points[growth.levels.indexOf(x)]?.usd, row.curve.currency));
      lines.push(`| ${label(row.target)} | ${cells.join(' | ')} |`);
    }
  }
  for (const u of growth.unpriced) lines.push('', `${label(u.target)}: not priced (${markdownCell(u.reason)}).`);
  if (growth.pairs.length > 0) {
    lines.push('', '### Break-even traffic', '');
    for (const pair of growth.pairs) lines.push(`- ${pairText(growth, pair, label)}`);
  }
  if (growth.coldStarts.length > 0) {
    lines.push('', `### Cold starts${traffic !== null ? ` at ${countShort(traffic)} requests a month` : ''}`, '');
    lines.push('| target | cold-start rate | price per cold start | cold starts a month | their cost a month | extra latency each |');
    lines.push('|---|--:|--:|--:|--:|--:|');
    for (const c of growth.coldStarts) {
      const row = growth.rows[c.row]!;
      const currency = row.curve.currency;
      lines.push(
        `| ${label(row.target)} | ${+(c.rate * 100).toPrecision(3)}% | ${moneyShort(c.perColdStart, currency)} | ${c.coldStartsPerMonth !== null ? countShort(c.coldStartsPerMonth) : '–'} | ${c.usdPerMonth !== null ? moneyShort(c.usdPerMonth, currency) : '–'} | ${c.penaltyUs !== null ? `${msShort(c.penaltyUs)} ms` : '–'} |`,
      );
    }
    if (traffic === null) lines.push('', 'Give `--traffic <requests per month>` for the monthly figures.');
  }
  return lines.join('\n') + '\n';
}

function pairText(growth: CostGrowthModel, pair: CostPair, label: (t: TargetResult) => string): string {
  const a = growth.rows[pair.a]!;
  const b = growth.rows[pair.b]!;
  const name = (side: 'a' | 'b') => `**${label((side === 'a' ? a : b).target)}**`;
  const range = `${countShort(growth.range.lo)} to ${countShort(growth.range.hi)}`;
  if (!pair.crossings[0]) {
    return pair.cheaperFirst === 'equal'
      ? `${name('a')} and ${name('b')} cost the same from ${range} requests a month`
      : `${name('a')} and ${name('b')}: no break-even from ${range} requests a month; ${name(pair.cheaperFirst)} is cheaper throughout`;
  }
  const points = pair.crossings.slice(0, MAX_LISTED).map(
    (c) => `${countShort(c.requests)} requests a month (${moneyShort(c.costA, a.curve.currency)}${c.kind === 'step' ? ` / ${moneyShort(c.costB, b.curve.currency)}, a node step` : ''}: ${name(c.cheaperAbove)} cheaper above)`,
  );
  const more = pair.crossings.length - MAX_LISTED;
  const rest = more > 0 ? `; and ${more} more up to ${countShort(pair.crossings.at(-1)!.requests)} requests a month` : '';
  return `${name('a')} and ${name('b')}: ${name(pair.crossings[0]!.cheaperBelow)} cheaper first; break-even at ${points.join('; then at ')}${rest}`;
}

/** Break-even points written out per pair (report.html marks them all on its chart). */
const MAX_LISTED = 6;
