// End to end through the CLI: a run that breaks a threshold exits 1 after writing every report.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from './helpers/http.js';
import { runColdbench } from './helpers/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-thresholds-'));
const server = await startServer((_req, res) => res.end('ok'));
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function runCli(args: string[]) {
  return runColdbench(args, { cwd: dir });
}

function targetFile(name: string, thresholds: string[]): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      'origin: test-origin',
      `thresholds: ${JSON.stringify(thresholds)}`,
      'targets:',
      `  - name: local-http`,
      '    kind: http',
      `    url: ${server.url}`,
      '    cold: { samples: 2, strategy: none }',
      '    warm: { requests: 40, connections: 2 }',
      '    thresholds: ["errors.rate < 50%"]',
    ].join('\n') + '\n',
  );
  return file;
}

test('a broken threshold exits 1 with results.json, summary.md, CSVs and report.html written', async () => {
  const out = path.join(dir, 'broken');
  const r = await runCli(['run', targetFile('broken', ['warm.p50 < 1us', 'cold.max < 60s']), '--out', out, '--quiet']);
  assert.equal(r.code, 1, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, /threshold failed: local-http: warm\.p50 < 1us/);
  for (const f of ['results.json', 'summary.csv', 'samples.csv', 'summary.md', 'report.html']) assert.ok(existsSync(path.join(out, f)), `${f} written`);
  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
  const byExpr = Object.fromEntries(results.thresholds.map((t: { expression: string; passed: boolean }) => [t.expression, t]));
  assert.equal(byExpr['warm.p50 < 1us'].passed, false);
  assert.ok(byExpr['warm.p50 < 1us'].actualUs >= 1);
  assert.equal(byExpr['cold.max < 60s'].passed, true);
  assert.equal(byExpr['errors.rate < 50%'].passed, true);
  const summary = readFileSync(path.join(out, 'summary.md'), 'utf8');
  assert.match(summary, /FAIL.*warm\.p50 (<|&lt;) 1us/);
  const html = readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.match(html, /"expression":"warm.p50 \\u003c 1us","target":"local-http"/);
});

test('the same run with thresholds it meets exits 0', async () => {
  const out = path.join(dir, 'passing');
  const r = await runCli(['run', targetFile('passing', ['warm.p50 < 60s', 'errors.rate <= 50%']), '--out', out, '--quiet']);
  assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
  assert.equal(results.thresholds.length, 3);
  assert.ok(results.thresholds.every((t: { passed: boolean }) => t.passed));
});
