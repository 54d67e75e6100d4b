// `run --pushgateway/--otlp` pushes after every report is written and never changes the exit
// code of the measurement; `export` fails with exit 3 when a push fails, and bad options are
// exit 2 before anything is read or measured.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startKnownLatencyServer, startServer, type FixtureServer } from './helpers/servers.js';
import { fixtureRun, spread } from './helpers/results-fixture.js';
import { exportCommand, type ExportOptions } from '../bench/export/command.js';
import { InputError } from '../bench/errors.js';
import { execColdbench } from './helpers/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-push-failure-'));
let target: FixtureServer | undefined;
let targetFile: string;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await execColdbench(args, { timeoutMs: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

before(async () => {
  target = await startKnownLatencyServer(3, 0);
  targetFile = path.join(dir, 'targets.yaml');
  writeFileSync(targetFile, `thresholds: ["warm.p99 < 1ms"]\ntargets:\n  - name: t\n    kind: http\n    region: r\n    url: ${target.url}\n    cold: false\n    warm: { requests: 40, connections: 1 }\n`);
});

after(async () => {
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('run: an unreachable Pushgateway and a refusing OTLP endpoint are reported; the exit code is the measurement\'s (1: threshold failed)', async () => {
  const port = await closedPort();
  const refusing = await startServer((_req, res) => {
    res.writeHead(400);
    res.end();
  });
  const out = path.join(dir, 'unreachable');
  try {
    const r = await cli(['run', targetFile, '--out', out, '--quiet', '--pushgateway', `http://127.0.0.1:${port}`, '--otlp', `${refusing.url}v1/metrics`]);
    assert.equal(r.code, 1, `threshold exit code kept: ${r.stderr}`);
    assert.match(r.stderr, /threshold failed/);
    assert.match(r.stderr, /coldbench: Pushgateway push failed: http:\/\/127\.0\.0\.1:\d+\/: cannot push origin "local"/);
    assert.match(r.stderr, /coldbench: OTLP export failed: /);
    assert.equal(refusing.requests, 1, 'the OTLP export was tried');
    assert.ok(existsSync(path.join(out, 'report.html')), 'every report written');
  } finally {
    await refusing.close();
  }
});

test('run: the push happens after the reports are written, and a good push leaves the exit code alone too', async () => {
  const out = path.join(dir, 'pushed');
  const pushes: Array<{ method: string; url: string; body: string; reportsThere: boolean }> = [];
  const fake = await startServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      pushes.push({ method: req.method ?? '', url: req.url ?? '', body, reportsThere: ['results.json', 'summary.csv', 'report.html'].every((f) => existsSync(path.join(out, f))) });
      res.end();
    });
  });
  try {
    const r = await cli(['run', targetFile, '--out', out, '--quiet', '--origin', 'o/1', '--pushgateway', `${fake.url}prefix/`, '--job', 'j']);
    assert.equal(r.code, 1);
    assert.equal(pushes.length, 1);
    const push = pushes[0]!;
    assert.equal(push.method, 'PUT', 'the group is replaced as a whole');
    assert.equal(push.url, `/prefix/metrics/job@base64/${Buffer.from('j').toString('base64url')}/origin@base64/${Buffer.from('o/1').toString('base64url')}`);
    assert.ok(push.reportsThere, 'the reports were complete when the push came');
    assert.match(push.body, /^coldbench_latency_seconds\{target="t",kind="http",region="r",phase="warm",quantile="0.5"\} /m, 'origin comes from the grouping key, not the body');
    assert.doesNotMatch(push.body, / \d+ \d+$/m, 'no timestamps (the Pushgateway rejects them)');
  } finally {
    await fake.close();
  }
});

test('export: a Pushgateway that answers 500 is exit 3 with its answer', async () => {
  const failing = await startServer((_req, res) => {
    res.writeHead(500);
    res.end('storage full');
  });
  try {
    const file = path.join(dir, 'fixture.json');
    writeFileSync(file, JSON.stringify(fixtureRun([{ name: 'x', warm: spread(5_000, 50) }])));
    const r = await cli(['export', file, '--pushgateway', failing.url]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /origin "local" rejected with HTTP 500: storage full/);
  } finally {
    await failing.close();
  }
});

test('bad options are exit 2 with one clear line, before anything is read or measured', async () => {
  const file = path.join(dir, 'fixture.json');
  writeFileSync(file, JSON.stringify(fixtureRun([{ name: 'x', warm: spread(5_000, 50) }])));
  const cases: Array<[string[], ExportOptions, RegExp]> = [
    [[file], {}, /give --pushgateway <url>, --otlp <url> or --format/],
    [[file], { format: 'xml' }, /--format: expected one of openmetrics, bmf, ndjson, got "xml"/],
    [[file], { pushgateway: 'ftp://host/' }, /--pushgateway: expected an http:\/\/ or https:\/\/ URL/],
    [[file], { otlp: 'not a url' }, /--otlp: expected an http:\/\/ or https:\/\/ URL/],
    [[file], { out: 'x.txt', otlp: 'http://127.0.0.1:1/' }, /--out: only with --format/],
    [[file], { job: 'j', format: 'bmf' }, /--job: only with --pushgateway/],
    [[file], { job: ' ', pushgateway: 'http://127.0.0.1:1/' }, /--job: expected a non-empty job name/],
    [[path.join(dir, 'missing.json')], { format: 'bmf' }, /missing\.json: file not found/],
  ];
  for (const [inputs, opts, message] of cases) {
    await assert.rejects(exportCommand(inputs, opts), (err: unknown) => err instanceof InputError && message.test(err.message), JSON.stringify(opts));
  }
  // Through the command line: InputError is exit 2, one line.
  const bad = await cli(['export', file, '--format', 'xml']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  const out = path.join(dir, 'never');
  const r = await cli(['run', targetFile, '--out', out, '--pushgateway', 'nonsense']);
  assert.equal(r.code, 2);
  assert.ok(!existsSync(out), 'nothing was measured');
});
