// LambdaClient construction for the adapter and `coldbench restore`. Measured calls use
// maxAttempts 1 (the SDK otherwise retries 429/5xx three times and hides the delay in the latency).
import type http from 'node:http';
import type https from 'node:https';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { fieldOf } from '../fields.js';

export interface LambdaClientOptions {
  region: string;
  endpoint?: string;
  maxAttempts: number;
  /** Per-request timeout, ms (0 = none). */
  timeoutMs: number;
  /** Keep-alive sockets to the API: at least the warm phase's concurrency. */
  maxSockets?: number;
  /** Agents of the client's own (cold samples: a new, observed connection per call). */
  agents?: { http: http.Agent; https: https.Agent };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopbackEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    return LOOPBACK.has(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/** Placeholder identity for a local endpoint when no AWS identity is configured (the emulator
 *  knows it); undefined means: use the standard credential chain. A real endpoint always does. */
export function localPlaceholderCredentials(endpoint: string | undefined, env: NodeJS.ProcessEnv = process.env): { accessKeyId: string; secretAccessKey: string } | undefined {
  const anonymousLocal = isLoopbackEndpoint(endpoint) && !env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE;
  return anonymousLocal ? { accessKeyId: 'coldbench-local', secretAccessKey: 'coldbench-local' } : undefined;
}

export function createLambdaClient(options: LambdaClientOptions, env: NodeJS.ProcessEnv = process.env): LambdaClient {
  // The SDK warns on every client that releases after 2026 need Node 22; the project pins it.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const pooled = { keepAlive: true, maxSockets: Math.max(50, options.maxSockets ?? 0) };
  const placeholder = localPlaceholderCredentials(options.endpoint, env);
  return new LambdaClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: options.maxAttempts,
    ...(placeholder ? { credentials: placeholder } : {}),
    requestHandler: {
      requestTimeout: options.timeoutMs,
      throwOnRequestTimeout: true,
      httpAgent: options.agents?.http ?? pooled,
      httpsAgent: options.agents?.https ?? pooled,
    },
  });
}

/** Name, HTTP status and message of an SDK error (service or network). */
export function describeSdkError(err: unknown): { name: string; status: number | undefined; message: string } {
  const name = fieldOf(err, 'name');
  const status = fieldOf(fieldOf(err, '$metadata'), 'httpStatusCode');
  const message = fieldOf(err, 'message');
  return {
    name: typeof name === 'string' ? name : 'Error',
    status: typeof status === 'number' ? status : undefined,
    message: typeof message === 'string' ? message : String(err),
  };
}
