// The log of one invocation as Lambda writes it (what `LogType: Tail` returns the last 4 KB of):
// platform records around the function's own lines, in the function's LoggingConfig. Text format
// is never filtered; with JSON, system records are kept at or above SystemLogLevel (start and
// report are INFO: with WARN the tail has no platform.report) and application lines at or above
// ApplicationLogLevel (Lambda docs, "Log-level filtering"). A restored SnapStart environment
// reports Restore Duration and Billed Restore Duration instead of Init Duration.
import type { InitOutcome, InvokeOutcome } from './environment.js';

export const SYSTEM_LOG_LEVELS = ['DEBUG', 'INFO', 'WARN'] as const;
export const APPLICATION_LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type SystemLogLevel = (typeof SYSTEM_LOG_LEVELS)[number];
export type ApplicationLogLevel = (typeof APPLICATION_LOG_LEVELS)[number];

export interface LoggingSettings {
  format: 'Text' | 'JSON';
  systemLevel: SystemLogLevel;
  applicationLevel: ApplicationLogLevel;
}

/** LoggingConfig as GetFunctionConfiguration shows it (levels only with JSON, where they apply). */
export function loggingConfig(settings: LoggingSettings, functionName: string): Record<string, string> {
  return {
    LogFormat: settings.format,
    ...(settings.format === 'JSON' ? { ApplicationLogLevel: settings.applicationLevel, SystemLogLevel: settings.systemLevel } : {}),
    LogGroup: `/aws/lambda/${functionName}`,
  };
}

const rank = (level: string) => APPLICATION_LOG_LEVELS.indexOf(level as ApplicationLogLevel);
const kept = (level: string, threshold: string) => rank(level) >= rank(threshold);

export interface InvocationLog {
  requestId: string;
  version: string;
  outcome: InvokeOutcome;
  /** The environment's start, on its first invocation only. */
  start: InitOutcome | null;
  memorySize: number;
  settings: LoggingSettings;
}

const round2 = (ms: number) => Math.round(ms * 100) / 100;

export function composeLog(log: InvocationLog): string {
  const { requestId, version, outcome, start, memorySize, settings } = log;
  const durationMs = outcome.durationMs;
  const initMs = start?.startType === 'init' ? start.durationMs : null;
  const restoreMs = start?.startType === 'restore' ? start.durationMs : null;
  const billedRestoreMs = start?.startType === 'restore' ? Math.ceil(start.billedRestoreMs ?? 0) : null;
  // Since Aug 2025 the init phase is billed too; a restore is billed apart (Billed Restore Duration).
  const billedMs = Math.ceil(durationMs + (initMs ?? 0));
  const maxMemory = 'maxMemoryUsedMb' in outcome ? outcome.maxMemoryUsedMb : 0;
  const status = outcome.kind === 'timeout' ? 'timeout' : outcome.kind === 'crash' ? 'error' : null;
  const appLogs = [...(start?.logs ?? []), ...outcome.logs];
  if (outcome.kind === 'timeout') appLogs.push(`${new Date().toISOString()}\t${requestId}\tERROR\tTask timed out after ${(durationMs / 1000).toFixed(2)} seconds`);
  if (settings.format === 'JSON') {
    const time = new Date().toISOString();
    const system = kept('INFO', settings.systemLevel);
    const startRecord = start?.startType === 'restore'
      ? { time, type: 'platform.restoreStart', record: { runtimeVersion: 'nodejs:20.v0', functionVersion: version } }
      : { time, type: 'platform.initStart', record: { initializationType: 'on-demand', phase: 'init', runtimeVersion: 'nodejs:20.v0', functionVersion: version } };
    const lines = [
      ...(start && system ? [startRecord] : []),
      ...(system ? [{ time, type: 'platform.start', record: { requestId, version } }] : []),
      ...appLogs.map(parseAppLine).filter((l) => kept(l.level, settings.applicationLevel)).map((l) => ({ timestamp: l.time ?? time, level: l.level, requestId, message: l.message })),
      ...(system
        ? [{
            time,
            type: 'platform.report',
            record: {
              requestId,
              metrics: {
                durationMs: round2(durationMs),
                billedDurationMs: billedMs,
                memorySizeMB: memorySize,
                maxMemoryUsedMB: maxMemory,
                ...(initMs !== null ? { initDurationMs: round2(initMs) } : {}),
                ...(restoreMs !== null ? { restoreDurationMs: round2(restoreMs), billedRestoreDurationMs: billedRestoreMs } : {}),
              },
              status: status ?? (outcome.kind === 'error' ? 'error' : 'success'),
            },
          }]
        : []),
    ];
    return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  }
  const lines: string[] = [];
  if (start?.startType === 'init') lines.push('INIT_START Runtime Version: nodejs:20.v0\tRuntime Version ARN: arn:aws:lambda:local::runtime:coldbench');
  if (start?.startType === 'restore') {
    lines.push('RESTORE_START Runtime Version: nodejs:20.v0\tRuntime Version ARN: arn:aws:lambda:local::runtime:coldbench');
    lines.push(`RESTORE_REPORT Restore Duration: ${(restoreMs ?? 0).toFixed(2)} ms`);
  }
  lines.push(`START RequestId: ${requestId} Version: ${version}`, ...appLogs, `END RequestId: ${requestId}`);
  let report = `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billedMs} ms\tMemory Size: ${memorySize} MB\tMax Memory Used: ${maxMemory} MB\t`;
  if (initMs !== null) report += `Init Duration: ${initMs.toFixed(2)} ms\t`;
  if (restoreMs !== null) report += `Restore Duration: ${restoreMs.toFixed(2)} ms\tBilled Restore Duration: ${billedRestoreMs} ms\t`;
  if (status) report += `Status: ${status}\t`;
  lines.push(report);
  return lines.join('\n') + '\n';
}

/** "<time>\t<request id>\t<LEVEL>\t<message>" as the runtime captures console output. */
function parseAppLine(line: string): { time: string | undefined; level: string; message: string } {
  const [time, , level, ...rest] = line.split('\t');
  if (level !== undefined && rank(level) >= 0) return { time, level, message: rest.join('\t') };
  return { time: undefined, level: 'INFO', message: line };
}
