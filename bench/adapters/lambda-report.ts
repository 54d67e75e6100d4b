// The REPORT record Lambda appends to every invocation's log, read from the `LogResult` tail
// (base64 of the log's last 4096 bytes, so the first line may be cut). Two formats:
//   text: REPORT RequestId: <id>\tDuration: 8.40 ms\tBilled Duration: 9 ms\tMemory Size: 128 MB\t
//         Max Memory Used: 66 MB\tInit Duration: 170.13 ms\t   (SnapStart: Restore Duration: ...)
//   JSON: {"type":"platform.report","record":{"requestId":..,"metrics":{"durationMs":..,"initDurationMs":..}}}
// Init (or Restore) Duration is present only on the first invoke of a new execution environment:
// that is the platform's own word that the call was cold.

export interface LambdaReport {
  requestId: string | null;
  durationMs: number;
  billedDurationMs: number | null;
  memorySizeMb: number | null;
  maxMemoryUsedMb: number | null;
  initDurationMs: number | null;
  restoreDurationMs: number | null;
  billedRestoreDurationMs: number | null;
  /** `timeout`, `error`... when the platform reports a non-success status. */
  status: string | null;
}

/** base64 LogResult -> log text. */
export function decodeLogResult(logResult: string): string {
  return Buffer.from(logResult, 'base64').toString('utf8');
}

/** The last REPORT record of a log tail, or null when there is none. */
export function parseReport(log: string): LambdaReport | null {
  const lines = log.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? '').trim();
    const report = line.startsWith('{') ? parseJsonReport(line) : parseTextReport(line);
    if (report) return report;
  }
  return null;
}

/** True when the report says a new execution environment was initialised (or restored). */
export function isColdReport(report: LambdaReport): boolean {
  return report.initDurationMs !== null || report.restoreDurationMs !== null;
}

// Labels are matched one by one (fields are TAB-separated, but copies of the line often turn tabs
// into spaces); the look-behinds keep "Duration" from matching "Billed Duration" and the like.
const TEXT_FIELDS = {
  duration: /(?<!(?:Billed|Init|Restore) )Duration: ([\d.]+) ms/,
  billed: /(?<!Restore )Billed Duration: ([\d.]+) ms/,
  memory: /Memory Size: ([\d.]+) MB/,
  maxMemory: /Max Memory Used: ([\d.]+) MB/,
  init: /Init Duration: ([\d.]+) ms/,
  restore: /(?<!Billed )Restore Duration: ([\d.]+) ms/,
  billedRestore: /Billed Restore Duration: ([\d.]+) ms/,
  status: /Status: ([A-Za-z.]+)/,
};

function parseTextReport(line: string): LambdaReport | null {
  const match = /^REPORT RequestId: (\S+)/.exec(line);
  if (!match) return null;
  const num = (re: RegExp): number | null => {
    const m = re.exec(line);
    return m ? Number(m[1]) : null;
  };
  const durationMs = num(TEXT_FIELDS.duration);
  if (durationMs === null || Number.isNaN(durationMs)) return null;
  return {
    requestId: match[1] ?? null,
    durationMs,
    billedDurationMs: num(TEXT_FIELDS.billed),
    memorySizeMb: num(TEXT_FIELDS.memory),
    maxMemoryUsedMb: num(TEXT_FIELDS.maxMemory),
    initDurationMs: num(TEXT_FIELDS.init),
    restoreDurationMs: num(TEXT_FIELDS.restore),
    billedRestoreDurationMs: num(TEXT_FIELDS.billedRestore),
    status: TEXT_FIELDS.status.exec(line)?.[1] ?? null,
  };
}

function parseJsonReport(line: string): LambdaReport | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null; // a cut first line, or a log line that merely starts with "{"
  }
  if (!isObject(value) || value.type !== 'platform.report' || !isObject(value.record)) return null;
  const record = value.record;
  const metrics = isObject(record.metrics) ? record.metrics : record;
  const num = (key: string): number | null => (typeof metrics[key] === 'number' ? (metrics[key] as number) : null);
  const durationMs = num('durationMs');
  if (durationMs === null) return null;
  const status = typeof record.status === 'string' && record.status !== 'success' ? record.status : null;
  return {
    requestId: typeof record.requestId === 'string' ? record.requestId : null,
    durationMs,
    billedDurationMs: num('billedDurationMs'),
    memorySizeMb: num('memorySizeMB') ?? num('memorySizeMb'),
    maxMemoryUsedMb: num('maxMemoryUsedMB') ?? num('maxMemoryUsedMb'),
    initDurationMs: num('initDurationMs'),
    restoreDurationMs: num('restoreDurationMs'),
    billedRestoreDurationMs: num('billedRestoreDurationMs'),
    status,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
