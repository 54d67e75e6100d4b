// The API server's service proxy: {ANY} /api/v1/namespaces/{ns}/services/{[scheme:]name[:port]}/proxy/{path}
// forwards the request to one ready endpoint of the Service, as ResourceLocation does in
// pkg/registry/core/service/storage/storage.go: a port *number* is first mapped to the Service
// port's name (503 "no service port N found" if none); an endpoint port is then matched by that
// name, so a bare Service name (port "") reaches only an unnamed port: with a named port it gets
// 503 "no endpoints available for service", as while no pod is ready. A pod that does not answer
// is 503 "error trying to reach service: ..." (k8s.io/apimachinery pkg/util/proxy/transport.go).
// The caller's Authorization header is not passed on (the API server drops it after authenticating).
import http from 'node:http';
import type { Cluster } from './cluster.js';
import { HttpProblem } from './api-problem.js';

const HOP_BY_HOP = new Set(['authorization', 'host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

/** "name", "name:port" or "scheme:name:port" (utilnet.SplitSchemeNamePort). */
function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } {
  const parts = id.split(':');
  const [a = '', b = '', c = ''] = parts;
  const split = parts.length === 1 ? { scheme: '', name: a, port: '' } : parts.length === 2 ? { scheme: '', name: a, port: b } : parts.length === 3 ? { scheme: a, name: b, port: c } : null;
  if (!split || !split.name || (split.scheme !== '' && split.scheme !== 'http' && split.scheme !== 'https')) {
    throw new HttpProblem(400, 'BadRequest', `invalid service request ${JSON.stringify(id)}`);
  }
  return split;
}

export interface ProxyTarget {
  namespace: string;
  /** The {[scheme:]name[:port]} segment, decoded. */
  id: string;
  /** Path and query to request from the pod ("/" when the proxy path ends at /proxy). */
  path: string;
}

/** Resolve the endpoint (throws HttpProblem), forward, pipe the answer back; resolves with the status sent. */
export async function proxyToService(cluster: Cluster, req: http.IncomingMessage, res: http.ServerResponse, target: ProxyTarget): Promise<number> {
  const { scheme, name, port: requested } = splitSchemeNamePort(target.id);
  const service = cluster.getService(target.namespace, name);
  if (!service) throw new HttpProblem(404, 'NotFound', `services "${name}" not found`, { name, kind: 'services' });
  let portName = requested;
  if (/^\d+$/.test(requested)) {
    const byNumber = service.ports.find((p) => p.port === Number(requested));
    if (!byNumber) throw new HttpProblem(503, 'ServiceUnavailable', `no service port ${requested} found for service "${name}"`);
    portName = byNumber.name ?? '';
  }
  const endpoints = cluster.endpointsOf(service);
  if (endpoints.length === 0) throw new HttpProblem(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`);
  if (!service.ports.some((p) => (p.name ?? '') === portName)) throw new HttpProblem(503, 'ServiceUnavailable', `no endpoints available for service "${target.id}"`);
  const pod = endpoints[Math.floor(Math.random() * endpoints.length)]!;
  if (scheme === 'https') throw new HttpProblem(503, 'ServiceUnavailable', `error trying to reach service: tls: first record does not look like a TLS handshake`);

  const headers: http.OutgoingHttpHeaders = {};
  for (const [key, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(key) && value !== undefined) headers[key] = value;
  return new Promise<number>((resolve) => {
    const upstream = http.request({ host: '127.0.0.1', port: pod.port!, method: req.method, path: target.path, headers, agent: false }, (answer) => {
      const status = answer.statusCode ?? 502;
      const out: http.OutgoingHttpHeaders = {};
      for (const [key, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(key) && value !== undefined) out[key] = value;
      res.writeHead(status, out);
      answer.pipe(res);
      answer.on('end', () => resolve(status));
      answer.on('error', () => {
        res.destroy();
        resolve(status);
      });
    });
    upstream.on('error', (err) => {
      if (res.headersSent) {
        res.destroy();
        resolve(502);
        return;
      }
      const why = (err as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'connect: connection refused' : err.message;
      const text = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `error trying to reach service: dial tcp 127.0.0.1:${pod.port}: ${why}`, reason: 'ServiceUnavailable', code: 503 });
      res.writeHead(503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      resolve(503);
    });
    req.pipe(upstream);
  });
}
