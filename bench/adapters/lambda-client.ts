// LambdaClient construction for the adapter and `coldbench restore`. Measured calls use
// maxAttempts 1 (the SDK otherwise retries 429/5xx three times and hides the delay in the latency).
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

export function createLambdaClient(options: LambdaClientOptions, env: NodeJS.ProcessEnv = process.env): LambdaClient {
  // The SDK warns on every client that releases after 2026 need Node 22; the project pins it.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const agent = { keepAlive: true, maxSockets: Math.max(50, options.maxSockets ?? 0) };
  // A local emulator checks no signature: without any configured identity, sign with placeholders
  // instead of failing in the credential chain. A real endpoint always uses the standard chain.
  const anonymousLocal = isLoopbackEndpoint(options.endpoint) && !env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE;
  return new LambdaClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: options.maxAttempts,
    ...(anonymousLocal ? { credentials: { accessKeyId: 'coldbench-local', secretAccessKey: 'coldbench-local' } } : {}),
    requestHandler: {
      requestTimeout: options.timeoutMs,
      throwOnRequestTimeout: true,
      httpAgent: agent,
      httpsAgent: agent,
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
