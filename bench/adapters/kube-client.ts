// Shared by the knative and kubernetes adapters: API clients from the standard kubeconfig chain
// (KUBECONFIG, ~/.kube/config, in-cluster) with an optional context, the namespace (the target's,
// else the context's, else `default`), API error messages, and API calls bounded in time and
// retried while the API server throttles.
import {
  ApiException,
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type Cluster,
} from '@kubernetes/client-node';
import { API_CALL_TIMEOUT_MS, API_RETRY_MS } from '../control/defaults.js';
import { callWithRetry } from '../control/poll.js';
import { TargetFailure, messageOf } from '../errors.js';
import { fieldOf } from '../fields.js';

/** Where a target lives: enough to reconnect for `coldbench restore` (never a credential). */
export interface KubeLocation {
  context: string;
  server: string;
  namespace: string;
}

export interface KubeClients {
  config: KubeConfig;
  apps: AppsV1Api;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  autoscaling: AutoscalingV2Api;
  /** Where the target is; `namespace` resolved (target, then context, then default). */
  location: KubeLocation;
}

/** Load the kubeconfig (KUBECONFIG works) and build clients; TargetFailure names what is wrong.
 *  Without a namespace, the context's is used (in a pod: its service account's), then `default`,
 *  as kubectl does. */
export function connectKube(options: { context?: string; namespace?: string; what: string }): KubeClients {
  const config = new KubeConfig();
  try {
    config.loadFromDefault();
  } catch (err) {
    throw new TargetFailure(`${options.what}: cannot load the kubeconfig${process.env.KUBECONFIG ? ` (KUBECONFIG=${process.env.KUBECONFIG})` : ''}: ${messageOf(err)}`);
  }
  if (options.context) {
    if (!config.getContextObject(options.context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new TargetFailure(
        `${options.what}: kubeconfig has no context ${JSON.stringify(options.context)} (contexts: ${known.length ? known.join(', ') : 'none'})`,
      );
    }
    config.setCurrentContext(options.context);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new TargetFailure(`${options.what}: the kubeconfig's current context ${JSON.stringify(config.getCurrentContext())} names no cluster`);
  allowPlainHttp(config, cluster);
  const namespace = options.namespace ?? (config.getContextObject(config.getCurrentContext())?.namespace?.trim() || 'default');
  return {
    config,
    apps: config.makeApiClient(AppsV1Api),
    core: config.makeApiClient(CoreV1Api),
    custom: config.makeApiClient(CustomObjectsApi),
    autoscaling: config.makeApiClient(AutoscalingV2Api),
    location: { context: config.getCurrentContext(), server: cluster.server, namespace },
  };
}

/** client-node refuses an http:// server unless skipTLSVerify is set (there is no TLS to verify):
 *  `kubectl proxy` and local emulators are plain http. */
function allowPlainHttp(config: KubeConfig, cluster: Cluster): void {
  if (!cluster.server.startsWith('http:') || cluster.skipTLSVerify) return;
  const index = config.clusters.findIndex((c) => c.name === cluster.name);
  if (index >= 0) config.clusters[index] = { ...cluster, skipTLSVerify: true };
}

/** One sentence from an API failure: the Status message when the server sent one. */
export function apiErrorReason(err: unknown): string {
  if (err instanceof ApiException) {
    const code = err.code;
    const body: unknown = err.body;
    let message: string | undefined;
    let reason: string | undefined;
    try {
      const status: unknown = typeof body === 'string' ? JSON.parse(body) : body;
      const statusMessage = fieldOf(status, 'message');
      const statusReason = fieldOf(status, 'reason');
      message = typeof statusMessage === 'string' ? statusMessage : undefined;
      reason = typeof statusReason === 'string' ? statusReason : undefined;
    } catch {
      message = typeof body === 'string' && body.trim() ? body.trim().slice(0, 200) : undefined;
    }
    // Some statuses (401, 403) come without a body: the client puts the reason in its own message.
    if (!reason && !message) reason = /\nMessage: ([^\n]+)/.exec(err.message)?.[1];
    if (reason === 'Unknown API Status Code!') reason = undefined;
    return `HTTP ${code}${reason ? ` ${reason}` : ''}${message ? `: ${message}` : ''}`;
  }
  const code = fieldOf(err, 'code') ?? fieldOf(fieldOf(err, 'cause'), 'code');
  return `${messageOf(err)}${typeof code === 'string' && !messageOf(err).includes(code) ? ` (${code})` : ''}`;
}

export function apiStatusCode(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/** One API call outside a wait: each attempt bounded by API_CALL_TIMEOUT_MS, retried within that
 *  budget while the API server throttles (429, Retry-After) and, for reads, while it fails
 *  transiently (5xx, reset connections). A mutation met by a 5xx may have been applied: not retried. */
export function kubeCall<T>(call: () => Promise<T>, what: string, options: { signal?: AbortSignal; mutation?: boolean } = {}): Promise<T> {
  return callWithRetry(() => withTimeout(call(), API_CALL_TIMEOUT_MS, what), {
    what,
    timeoutMs: API_CALL_TIMEOUT_MS,
    intervalMs: API_RETRY_MS,
    backoff: 2,
    signal: options.signal,
    retry: options.mutation ? 'throttled' : 'transient',
  });
}

/** Await an API call, but no longer than `timeoutMs` (the call itself cannot be cancelled). */
export async function withTimeout<T>(call: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer from the API server within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function selectorOf(matchLabels: Record<string, string> | undefined): string {
  return Object.entries(matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
