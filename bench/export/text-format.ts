// Metric families as text: the Prometheus exposition format 0.0.4 (what a Pushgateway takes) and
// OpenMetrics 1.0. Label values are user text (target names): backslash, double quote and line
// feed are escaped as both formats require; nothing else needs escaping inside quotes.
import type { Labels, MetricFamily } from './metrics.js';

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function labelText(labels: Labels, omit: ReadonlySet<string>): string {
  const parts = labels.filter(([name]) => !omit.has(name)).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

function sampleLines(family: MetricFamily, omit: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  if (family.type === 'summary') {
    for (const p of family.points) {
      for (const [q, v] of p.quantiles) lines.push(`${family.name}${labelText([...p.labels, ['quantile', String(q)]], omit)} ${formatNumber(v)}`);
      lines.push(`${family.name}_sum${labelText(p.labels, omit)} ${formatNumber(p.sumSeconds)}`);
      lines.push(`${family.name}_count${labelText(p.labels, omit)} ${formatNumber(p.count)}`);
    }
  } else {
    for (const p of family.points) lines.push(`${family.name}${labelText(p.labels, omit)} ${formatNumber(p.value)}`);
  }
  return lines;
}

export interface TextOptions {
  /** Only the points of this origin (one Pushgateway group). */
  origin?: string;
  /** Labels left out (the Pushgateway sets its grouping labels itself). */
  omitLabels?: readonly string[];
}

function select(families: MetricFamily[], origin: string | undefined): MetricFamily[] {
  if (origin === undefined) return families;
  return families.map((f): MetricFamily => {
    switch (f.type) {
      case 'summary':
        return { ...f, points: f.points.filter((p) => p.origin === origin) };
      case 'counter':
        return { ...f, points: f.points.filter((p) => p.origin === origin) };
      case 'gauge':
        return { ...f, points: f.points.filter((p) => p.origin === origin) };
    }
  });
}

/** Prometheus text exposition format 0.0.4 (Content-Type text/plain; version=0.0.4). */
export function renderPrometheusText(families: MetricFamily[], options: TextOptions = {}): string {
  const omit = new Set(options.omitLabels ?? []);
  const out: string[] = [];
  for (const f of select(families, options.origin)) {
    if (f.points.length === 0) continue;
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`, ...sampleLines(f, omit));
  }
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

/** OpenMetrics 1.0 text (Content-Type application/openmetrics-text; version=1.0.0): counter
 *  families are named without `_total`, units are declared, and the text ends with `# EOF`. */
export function renderOpenMetrics(families: MetricFamily[], options: TextOptions = {}): string {
  const omit = new Set(options.omitLabels ?? []);
  const out: string[] = [];
  for (const f of select(families, options.origin)) {
    if (f.points.length === 0) continue;
    const familyName = f.type === 'counter' ? f.name.replace(/_total$/, '') : f.name;
    out.push(`# TYPE ${familyName} ${f.type}`);
    if (f.unit) out.push(`# UNIT ${familyName} ${f.unit}`);
    out.push(`# HELP ${familyName} ${escapeHelp(f.help)}`, ...sampleLines(f, omit));
  }
  out.push('# EOF');
  return out.join('\n') + '\n';
}
