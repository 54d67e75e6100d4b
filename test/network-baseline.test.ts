// The network baseline: TCP connects (and TLS handshakes on https) to the data-plane host, timed,
// with nothing sent to the application (a request would warm the target); the minimum connect time
// is the RTT. The data-plane host of each kind: the warm load's URL, Lambda's Invoke API endpoint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASELINE_ATTEMPTS, dataPlaneUrl, endpointOf, measureNetwork } from '../bench/http/network-baseline.js';
import { LambdaAdapter } from '../bench/adapters/lambda.js';
import { nullJournal } from '../bench/journal.js';
import { adapterContext, lambdaTarget } from './helpers/lambda.js';
import type { LocalLambda } from './helpers/lambda.js';

/** A server that counts connections and every byte it receives. */
function counting<S extends net.Server>(server: S, event: 'connection' | 'secureConnection') {
  const seen = { connections: 0, bytes: 0 };
  server.on(event, (socket: net.Socket) => {
    seen.connections += 1;
    socket.on('data', (chunk: Buffer) => (seen.bytes += chunk.length));
    socket.on('error', () => {});
  });
  return seen;
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

test('plain TCP: five connects, each timed; the RTT is the fastest; not one byte reaches the server', async () => {
  const server = net.createServer();
  const seen = counting(server, 'connection');
  const port = await listen(server);
  after(() => server.close());
  const facts = await measureNetwork(`http://127.0.0.1:${port}/some/path?q=1`);
  assert.equal(facts.host, '127.0.0.1');
  assert.equal(facts.port, port);
  assert.equal(facts.tls, false);
  assert.equal(facts.samples, BASELINE_ATTEMPTS);
  assert.equal(facts.connectUs!.length, BASELINE_ATTEMPTS);
  assert.ok(facts.connectUs!.every((us) => Number.isInteger(us) && us > 0));
  assert.equal(facts.rttUs, Math.min(...facts.connectUs!));
  assert.equal(facts.tlsUs, null);
  assert.equal(facts.errors, 0);
  const deadline = Date.now() + 5_000;
  while (seen.connections < BASELINE_ATTEMPTS && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(seen.connections, BASELINE_ATTEMPTS);
  assert.equal(seen.bytes, 0, 'no HTTP request: the target is not warmed');
});

test('nothing listening: every attempt is an error and there is no RTT', async () => {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const facts = await measureNetwork(`http://127.0.0.1:${port}/`, { attempts: 3 });
  assert.deepEqual([facts.rttUs, facts.samples, facts.connectUs, facts.errors], [null, 3, [], 3]);
});

test('a host that does not resolve: every attempt counted as failed', async () => {
  const facts = await measureNetwork('https://no-such-host.invalid/', { attempts: 2 });
  assert.deepEqual([facts.rttUs, facts.samples, facts.errors, facts.tls, facts.port], [null, 2, 2, true, 443]);
});

test('endpoints: default ports, IPv6 brackets', () => {
  assert.deepEqual(endpointOf('https://example.com/x'), { host: 'example.com', port: 443, tls: true });
  assert.deepEqual(endpointOf('http://example.com'), { host: 'example.com', port: 80, tls: false });
  assert.deepEqual(endpointOf('http://[::1]:8080/'), { host: '::1', port: 8080, tls: false });
});

test('the data-plane URL: the warm load\'s, or Lambda\'s Invoke API endpoint without a url', () => {
  const fake = { url: 'http://127.0.0.1:1/', endpoint: 'http://127.0.0.1:2', region: 'eu-west-1' } as const;
  const lambda = { region: fake.region, endpoint: fake.endpoint } as unknown as LocalLambda;
  const ctx = adapterContext(nullJournal);
  assert.equal(dataPlaneUrl(new LambdaAdapter(lambdaTarget(lambda), ctx)), 'http://127.0.0.1:2');
  assert.equal(dataPlaneUrl(new LambdaAdapter(lambdaTarget(lambda, { url: fake.url }), ctx)), fake.url, 'warm load through the Function URL');
  assert.equal(dataPlaneUrl(new LambdaAdapter(lambdaTarget(lambda, { endpoint: undefined }), ctx)), 'https://lambda.eu-west-1.amazonaws.com/');
  assert.equal(dataPlaneUrl(new LambdaAdapter(lambdaTarget(lambda, { endpoint: undefined, region: 'cn-north-1' }), ctx)), 'https://lambda.cn-north-1.amazonaws.com.cn/');
  assert.equal(dataPlaneUrl({ warmLoad: () => ({ type: 'http', request: { url: fake.url, method: 'GET', headers: {} } }) }), fake.url);
  assert.equal(dataPlaneUrl({ warmLoad: () => ({ type: 'invoke' }) }), null);
});

let tlsDir = '';
let tlsServer: tls.Server | undefined;
let tlsSeen = { connections: 0, bytes: 0 };
let tlsPort = 0;

before(async () => {
  tlsDir = mkdtempSync(join(tmpdir(), 'coldbench-baseline-tls-'));
  // A throwaway self-signed certificate (openssl ships with the machine image): the baseline times
  // the handshake and does not judge the certificate.
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-keyout', join(tlsDir, 'key.pem'), '-out', join(tlsDir, 'cert.pem'),
  ], { stdio: 'ignore', timeout: 20_000 });
  tlsServer = tls.createServer({ key: readFileSync(join(tlsDir, 'key.pem')), cert: readFileSync(join(tlsDir, 'cert.pem')) });
  tlsSeen = counting(tlsServer, 'secureConnection');
  tlsPort = await listen(tlsServer);
});

after(() => {
  tlsServer?.close();
  if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
});

test('https: each attempt a TCP connect and a TLS handshake, both timed; no application data sent', async () => {
  const facts = await measureNetwork(`https://localhost:${tlsPort}/`);
  assert.equal(facts.tls, true);
  assert.equal(facts.host, 'localhost');
  assert.equal(facts.errors, 0);
  assert.equal(facts.connectUs!.length, BASELINE_ATTEMPTS);
  assert.equal(facts.tlsUs!.length, BASELINE_ATTEMPTS);
  assert.ok(facts.tlsUs!.every((us) => us > 0));
  const deadline = Date.now() + 5_000;
  while (tlsSeen.connections < BASELINE_ATTEMPTS && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(tlsSeen.connections, BASELINE_ATTEMPTS, 'every handshake completed at the server');
  assert.equal(tlsSeen.bytes, 0, 'no request over the secure connections');
});
