// One timed Invoke through the SDK (maxAttempts 1: a throttle is a counted error, never a retry
// hidden in a latency), turned into an Invocation; with LogType Tail, the REPORT line's numbers
// and Init/Restore Duration (the platform's own word that the call was cold), and which of the two
// it was (`startType`). A cold sample's call goes over a new, observed connection: its timing split.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { nowUs, usSince } from '../control/clock.js';
import { errorKindForException, errorKindForStatus, type ErrorKind } from '../errors.js';
import { describeSdkError } from './lambda-client.js';
import type { ConnectionObserver } from './lambda-cold-client.js';
import { decodeLogResult, isColdReport, parseReport } from './lambda-report.js';
import type { ResolvedFunction } from './lambda-target.js';
import type { Invocation } from './types.js';

/** Error kind of a failed Invoke: throttles apart, then by HTTP status, then network errors. */
export function errorKindForLambda(err: unknown): ErrorKind {
  const e = describeSdkError(err);
  if (e.name === 'TooManyRequestsException' || e.status === 429) return 'throttled';
  if (e.status !== undefined) return errorKindForStatus(e.status) ?? 'other';
  return errorKindForException(err);
}

export interface InvokeRequest {
  client: LambdaClient;
  fn: ResolvedFunction;
  payload: Uint8Array;
  /** Ask for the log tail (cold samples): its REPORT line verifies the sample. */
  tail: boolean;
  /** Memory size from the configuration, when the REPORT line has none. */
  memorySizeMb: number | null;
  signal: AbortSignal;
  /** Invoke this qualifier instead of the target's (a version published for the sample). */
  qualifier?: string;
  /** The client's connection observer (cold samples): the call's DNS / TCP / TLS / first-byte split. */
  observer?: ConnectionObserver;
}

export async function invokeFunction(request: InvokeRequest): Promise<Invocation> {
  const { fn, tail } = request;
  const command = new InvokeCommand({ FunctionName: fn.functionName, Qualifier: request.qualifier ?? fn.qualifier, Payload: request.payload, ...(tail ? { LogType: 'Tail' as const } : {}) });
  request.observer?.reset();
  const startedAtMs = Date.now();
  const start = nowUs();
  try {
    const out = await request.client.send(command, { abortSignal: request.signal });
    const latencyUs = usSince(start);
    const invocation: Invocation = { startedAtMs, latencyUs, status: out.StatusCode ?? 200, error: null };
    if (request.observer) invocation.timing = request.observer.split(latencyUs);
    if (out.FunctionError) {
      invocation.error = 'function-error';
      invocation.errorMessage = functionErrorMessage(out.FunctionError, out.Payload);
    }
    if (tail) {
      const report = out.LogResult ? parseReport(decodeLogResult(out.LogResult)) : null;
      invocation.extra = {
        durationMs: report?.durationMs ?? null,
        billedDurationMs: report?.billedDurationMs ?? null,
        memorySizeMb: report?.memorySizeMb ?? request.memorySizeMb,
        maxMemoryUsedMb: report?.maxMemoryUsedMb ?? null,
        restoreMs: report?.restoreDurationMs ?? null,
        billedRestoreDurationMs: report?.billedRestoreDurationMs ?? null,
        // Which start init_ms reports: an on-demand Init, or a SnapStart Restore.
        startType: report?.initDurationMs != null ? 'init' : report?.restoreDurationMs != null ? 'restore' : null,
      };
      if (report) {
        invocation.platformCold = isColdReport(report);
        const initMs = report.initDurationMs ?? report.restoreDurationMs;
        invocation.initUs = initMs !== null ? Math.round(initMs * 1000) : null;
      }
    }
    return invocation;
  } catch (err) {
    const latencyUs = usSince(start);
    const e = describeSdkError(err);
    const failed: Invocation = { startedAtMs, latencyUs, status: e.status ?? null, error: errorKindForLambda(err), errorMessage: `${e.name}: ${e.message}`.slice(0, 300) };
    if (request.observer) failed.timing = request.observer.split(latencyUs);
    return failed;
  }
}

function functionErrorMessage(kind: string, payload: Uint8Array | undefined): string {
  let detail = '';
  try {
    const body: unknown = JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8'));
    if (body !== null && typeof body === 'object') {
      detail = ['errorType', 'errorMessage']
        .map((key) => (key in body ? Reflect.get(body, key) : undefined))
        .filter((v): v is string => typeof v === 'string')
        .join(': ');
    }
  } catch {
    // not JSON: the kind alone
  }
  return `${kind}${detail ? `: ${detail}` : ''}`.slice(0, 300);
}
