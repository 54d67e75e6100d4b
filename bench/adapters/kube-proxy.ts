// Requests to a Service through the API server's service proxy, which survives pod churn (unlike
// `kubectl port-forward`, which binds one pod):
//   {server}/api/v1/namespaces/{ns}/services/{name}:{port}/proxy{path}
// with the kubeconfig's credentials (bearer token, exec plugin, client certificate, cluster CA).
// The port segment is always explicit: a Service port that has a name is matched by that name (or
// its number), never by the bare Service name, which reaches only an unnamed port (Kubernetes docs,
// "Manually constructing apiserver proxy URLs"; ResourceLocation in
// pkg/registry/core/service/storage/storage.go answers 503 "no endpoints available" otherwise).
import type https from 'node:https';
import type { KubeConfig, V1Service } from '@kubernetes/client-node';
import type { HttpRequestSpec, TlsOptions } from './types.js';

export interface ProxyPort {
  /** What goes after the colon in the proxy path: the port's name, else its number. */
  segment: string;
  port: number;
  name: string | null;
}

/** The Service port to go through (`wanted`: a number or a name; default: the first), or why none fits. */
export function proxyPort(service: V1Service, wanted: number | string | undefined): ProxyPort | { problem: string } {
  const ports = service.spec?.ports ?? [];
  const name = service.metadata?.name ?? '?';
  const described = ports.map((p) => (p.name ? `${p.name} (${p.port})` : String(p.port))).join(', ') || 'none';
  if (ports.length === 0) return { problem: `service ${JSON.stringify(name)} has no ports` };
  const port = wanted === undefined ? ports[0] : ports.find((p) => p.port === wanted || (p.name !== undefined && p.name === wanted) || String(p.port) === String(wanted));
  if (!port) return { problem: `service ${JSON.stringify(name)} has no port ${JSON.stringify(wanted)} (its ports: ${described})` };
  return { segment: port.name ? port.name : String(port.port), port: port.port, name: port.name ?? null };
}

export function proxyUrl(server: string, namespace: string, service: string, port: ProxyPort, path: string): string {
  const base = server.replace(/\/+$/, '');
  return `${base}/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(service)}:${encodeURIComponent(port.segment)}/proxy${path}`;
}

/** The kubeconfig's credentials for one request: headers (a bearer token, refreshed by exec
 *  plugins on each call; basic auth; impersonation) and the TLS settings of the cluster entry. */
export async function kubeRequestAuth(config: KubeConfig): Promise<{ headers: Record<string, string>; tls?: TlsOptions }> {
  const options: https.RequestOptions = {};
  await config.applyToHTTPSOptions(options);
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.headers ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') headers[key.toLowerCase()] = String(value);
  }
  if (options.auth) headers.authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
  const tls: TlsOptions = {};
  if (Buffer.isBuffer(options.ca)) tls.ca = options.ca;
  if (Buffer.isBuffer(options.cert)) tls.cert = options.cert;
  if (Buffer.isBuffer(options.key)) tls.key = options.key;
  if (options.rejectUnauthorized !== undefined) tls.rejectUnauthorized = options.rejectUnauthorized;
  if (typeof options.servername === 'string') tls.servername = options.servername;
  return Object.keys(tls).length > 0 ? { headers, tls } : { headers };
}

/** The request spec of a proxied call: the target's own headers, then the credentials (which win:
 *  the API server authenticates them and drops them before the pod). refreshHeaders re-reads the
 *  credentials for long warm phases (exec-plugin tokens last minutes to an hour). */
export async function proxiedRequest(
  config: KubeConfig,
  url: string,
  request: { method: string; headers: Record<string, string>; body?: string },
): Promise<HttpRequestSpec> {
  const auth = await kubeRequestAuth(config);
  return {
    url,
    method: request.method,
    headers: { ...request.headers, ...auth.headers },
    body: request.body,
    ...(auth.tls ? { tls: auth.tls } : {}),
    refreshHeaders: async () => ({ ...request.headers, ...(await kubeRequestAuth(config)).headers }),
  };
}
