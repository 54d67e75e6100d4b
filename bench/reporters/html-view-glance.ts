// report.html's at-a-glance comparison as ready-made text: one row per origin x target, the cold
// penalty chart (the network's share apart from the rest), and the warnings of hidden cold starts.
import type { PenaltyBar } from '../report-model/glance.js';
import type { ReportModel } from '../report-model/model.js';
import { coldInWarmWarning } from '../units.js';
import { money, msShort } from './format.js';
import { rowLabel } from './html-view-targets.js';

export interface GlanceView {
  columns: Array<{ label: string; numeric: boolean }>;
  rows: Array<{ failed: boolean; warn: boolean; cells: string[] }>;
  warnings: string[];
  penalty: {
    heading: string;
    note: string;
    legend: { network: string; rest: string };
    rows: Array<{ label: string; networkWidth: string; restWidth: string; text: string; title: string }>;
  } | null;
}

const COLUMNS: GlanceView['columns'] = [
  { label: 'target', numeric: false },
  { label: 'kind', numeric: false },
  { label: 'cold p50 ms', numeric: true },
  { label: 'cold penalty ms', numeric: true },
  { label: 'network RTT ms', numeric: true },
  { label: 'warm p50 ms', numeric: true },
  { label: 'warm p99 ms', numeric: true },
  { label: 'cost / 1M requests', numeric: true },
  { label: 'errors / calls', numeric: true },
];

const SOURCE_WORDS = {
  'connection set-up': 'the cold samples’ connection set-up (DNS + TCP + TLS)',
  rtt: 'the baseline RTT (the TCP handshake alone; the cold samples carry no timing split)',
} as const;

function penaltyRow(model: ReportModel, bar: PenaltyBar): NonNullable<GlanceView['penalty']>['rows'][number] {
  const label = rowLabel(model, bar.target);
  const network = bar.networkSource === null ? 'network share not measured' : `network ${msShort(bar.networkUs)} ms`;
  const text = bar.penaltyUs <= 0 ? `${msShort(bar.penaltyUs)} ms (cold no slower than warm)` : `${msShort(bar.penaltyUs)} ms (${network}, rest ${msShort(bar.restUs)} ms)`;
  return {
    label,
    networkWidth: `${bar.networkPct.toFixed(2)}%`,
    restWidth: `${bar.restPct.toFixed(2)}%`,
    text,
    title: bar.networkSource === null ? `${label}: no network measurement` : `${label}: network share from ${SOURCE_WORDS[bar.networkSource]}`,
  };
}

export function glanceView(model: ReportModel): GlanceView {
  const { rows, penalty, hiddenColdStarts } = model.glance;
  return {
    columns: COLUMNS,
    rows: rows.map((r) => ({
      failed: r.target.status !== 'ok',
      warn: r.coldInWarm !== null && r.coldInWarm > 0,
      cells: [
        rowLabel(model, r.target),
        r.target.kind,
        msShort(r.coldP50Us),
        msShort(r.coldPenaltyUs),
        msShort(r.rttUs),
        msShort(r.warmP50Us),
        msShort(r.warmP99Us),
        r.cost ? `${money(r.cost.per1M, r.cost.currency)} (est.)` : '–',
        `${r.errors} / ${r.calls}`,
      ],
    })),
    warnings: hiddenColdStarts.map(({ target, coldInWarm }) => `${rowLabel(model, target)}: ${coldInWarmWarning(coldInWarm)}`),
    penalty:
      penalty.length === 0
        ? null
        : {
            heading: 'Cold penalty (cold p50 − warm p50), ms',
            note:
              'What a cold start adds to a call, split into the network’s share (opening the fresh connection a cold sample uses, which a warm call on an open connection does not pay) and the rest (the platform starting an instance). Hover a bar for where its network share comes from.',
            legend: { network: 'network (connection set-up)', rest: 'rest (cold start)' },
            rows: penalty.map((bar) => penaltyRow(model, bar)),
          },
  };
}
