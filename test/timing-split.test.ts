// The DNS / TCP / TLS / first-byte split of timedRequest(): the phases add up to no more than the
// total, and a phase that did not happen (no lookup for an IP literal, no TLS over http, nothing on a
// reused keep-alive socket) is null, never 0.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TimingSplit } from '../bench/adapters/types.js';
import { closeKeepAliveAgents, timedRequest } from '../bench/http/timed-request.js';
import { listenOnLoopback } from './helpers/servers.js';

function assertAddsUp(timing: TimingSplit | undefined): TimingSplit {
  assert.ok(timing, 'a timing split is present');
  const phases = [timing.dnsUs, timing.connectUs, timing.tlsUs, timing.ttfbUs];
  for (const us of phases) if (us !== null) assert.ok(Number.isInteger(us) && us >= 0, `phase ${us} is an integer >= 0`);
  const sum = phases.reduce<number>((a, b) => a + (b ?? 0), 0);
  assert.ok(sum <= timing.totalUs, `dns+connect+tls+ttfb ${sum} us <= total ${timing.totalUs} us`);
  assert.ok(timing.totalUs > 0, 'the total is never 0');
  return timing;
}

const request = (url: string, fresh: boolean) => timedRequest({ url, method: 'GET', headers: {}, timeoutMs: 5000, fresh });

describe('timing split over http', () => {
  let server: http.Server;
  let port = 0;

  before(async () => {
    server = http.createServer((_req, res) => res.end('ok'));
    port = await listenOnLoopback(server);
  });

  after(() => {
    closeKeepAliveAgents();
    server.closeAllConnections();
    server.close();
  });

  it('a fresh connection to an IP literal has connect and first byte, no DNS, no TLS', async () => {
    const result = await request(`http://127.0.0.1:${port}/`, true);
    assert.equal(result.status, 200);
    const timing = assertAddsUp(result.timing);
    assert.equal(timing.dnsUs, null, 'no lookup for an IP literal');
    assert.notEqual(timing.connectUs, null);
    assert.equal(timing.tlsUs, null, 'no TLS over http');
    assert.notEqual(timing.ttfbUs, null);
    assert.equal(result.latencyUs, timing.totalUs, 'the sample latency is the split total');
  });

  it('a fresh connection to a host name includes the DNS lookup', async () => {
    const result = await request(`http://localhost:${port}/`, true);
    assert.equal(result.status, 200, `localhost answered (${result.errorMessage ?? ''})`);
    const timing = assertAddsUp(result.timing);
    assert.notEqual(timing.dnsUs, null, 'localhost is looked up');
    assert.notEqual(timing.connectUs, null);
    assert.equal(timing.tlsUs, null);
  });

  it('a reused keep-alive socket has no DNS, connect or TLS phase, and adds no listeners', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const first = await request(`http://127.0.0.1:${port}/`, false);
      assert.notEqual(assertAddsUp(first.timing).connectUs, null, 'the first request connects');
      // More reuses than EventEmitter's default listener limit (10).
      for (let i = 0; i < 15; i += 1) {
        const again = await request(`http://127.0.0.1:${port}/`, false);
        const timing = assertAddsUp(again.timing);
        assert.deepEqual([timing.dnsUs, timing.connectUs, timing.tlsUs], [null, null, null], `reuse ${i}`);
        assert.notEqual(timing.ttfbUs, null, 'the first byte still happens');
      }
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings.filter((m) => m.includes('listeners added')), [], 'no listener leak on the reused socket');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('a refused connection has a total but no first byte', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await request(`http://127.0.0.1:${closedPort}/`, true);
    assert.equal(result.error, 'connection-refused');
    const timing = assertAddsUp(result.timing);
    assert.equal(timing.ttfbUs, null);
    assert.equal(timing.connectUs, null, 'the connection never completed');
  });
});

describe('timing split over https', () => {
  let server: https.Server | undefined;
  let port = 0;
  let dir = '';
  let previousReject: string | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldbench-tls-'));
    // A throwaway self-signed certificate for 127.0.0.1 (openssl ships with the machine image).
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore', timeout: 20_000 });
    server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    // Only this file's requests, only to our own certificate.
    previousReject = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  });

  after(() => {
    if (previousReject === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previousReject;
    closeKeepAliveAgents();
    server?.closeAllConnections();
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a fresh TLS connection has connect, TLS and first byte phases that add up', async () => {
    const result = await request(`https://127.0.0.1:${port}/`, true);
    assert.equal(result.status, 200, `TLS request answered (${result.errorMessage ?? ''})`);
    const timing = assertAddsUp(result.timing);
    assert.equal(timing.dnsUs, null);
    assert.notEqual(timing.connectUs, null);
    assert.notEqual(timing.tlsUs, null, 'the TLS handshake is timed');
    assert.notEqual(timing.ttfbUs, null);
  });

  it('a reused TLS keep-alive socket has no TLS phase', async () => {
    const first = await request(`https://127.0.0.1:${port}/`, false);
    assert.notEqual(assertAddsUp(first.timing).tlsUs, null);
    const again = await request(`https://127.0.0.1:${port}/`, false);
    const timing = assertAddsUp(again.timing);
    assert.deepEqual([timing.dnsUs, timing.connectUs, timing.tlsUs], [null, null, null]);
  });
});
