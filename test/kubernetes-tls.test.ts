// A cluster whose API server speaks https with its own CA, as every real one does: the kubeconfig
// carries the CA (certificate-authority-data), and requests through the service proxy verify the
// API server's certificate with it: cold samples (node:http), warm load on both engines (autocannon,
// undici's open model). No verification is switched off anywhere in this test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestKube, kubeAdapterContext, kubernetesTarget, type TestKube } from './helpers/kubernetes.js';
import { KubernetesAdapter } from '../bench/adapters/kubernetes.js';
import { runColdPhase } from '../bench/phases/cold.js';
import { runWarmPhase } from '../bench/phases/warm.js';
import { timedRequest } from '../bench/http/timed-request.js';

let kube: TestKube;
let dir = '';
before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'coldbench-kube-tls-'));
  // A throwaway self-signed certificate for 127.0.0.1, which is also the cluster's CA.
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=coldbench-emulator', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
    { stdio: 'ignore', timeout: 20_000 },
  );
  kube = await startTestKube({
    tls: { certFile: path.join(dir, 'cert.pem'), keyFile: path.join(dir, 'key.pem') },
    deployments: [{ name: 'web', replicas: 1, initDelay: '200ms' }],
    services: [{ name: 'web', selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] }],
  });
});
after(async () => {
  await kube?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('https API server with its CA in the kubeconfig: cold samples and both warm engines through the proxy, verified', async () => {
  assert.match(kube.apiUrl, /^https:/);
  const ctx = kubeAdapterContext();
  const target = kubernetesTarget({ deployment: 'web', service: 'web', cold: { samples: 2, strategy: 'scale-from-zero', idleMs: 0, instanceHeader: 'x-instance-id', waitTimeoutMs: 20_000, pollIntervalMs: 0 } });
  const adapter = new KubernetesAdapter(target, ctx);
  await adapter.prepare();
  const load = adapter.warmLoad();
  assert.ok(load.type === 'http' && load.request.tls?.ca, "the cluster's CA goes with the proxied requests");
  const phase = await runColdPhase(adapter, target.cold!, { signal: ctx.signal, seenInstances: new Set() });
  assert.equal(phase.summary.errors, 0, JSON.stringify(phase.samples.map((s) => s.errorMessage)));
  assert.equal(phase.verified, 2);
  assert.ok(phase.samples.every((s) => s.tlsUs !== null), 'each cold sample made its own TLS handshake');
  for (const warm of [{ requests: 30, connections: 2, maxConnections: 4, warmupMs: 0 }, { requests: 30, rate: 50, connections: 1, maxConnections: 4, warmupMs: 0 }]) {
    const result = await runWarmPhase(adapter, warm, { timeoutMs: 10_000, signal: ctx.signal });
    assert.equal(result.summary.errors, 0, `${warm.rate ? 'open' : 'closed'} model: ${JSON.stringify(result.errorsByKind)}`);
    assert.ok(result.requests >= 30);
  }
  await adapter.restore();

  // Without the CA the same request is refused: the verification is real.
  if (load.type === 'http') {
    const { tls: _tls, ...withoutCa } = load.request;
    const refused = await timedRequest({ ...withoutCa, timeoutMs: 5_000, fresh: true });
    assert.notEqual(refused.status, 200);
    assert.match(refused.errorMessage ?? '', /certificate/i);
  }
});
