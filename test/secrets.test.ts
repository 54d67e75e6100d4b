// Secrets reach the target and no output: a value planted through ${VAR} in a header and in the URL
// query, a literal `Authorization: Bearer ...`, URL user:password@ and a token query parameter are
// all sent (the fixture server checks), and none appears in any file of the report directory
// (results.json, CSVs, summary.md, report.html, checkpoint.ndjson, journal.ndjson) nor on stdout/stderr.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runColdbench, startServer, type FixtureServer } from './helpers/servers.js';

const hex = () => randomBytes(8).toString('hex');
const SECRET = {
  headerVar: `hdr-${hex()}`, // ${VAR} in a header whose name says nothing about credentials
  queryVar: `qry-${hex()}`, // ${VAR} in a plain query parameter
  bearer: `literal-bearer-${hex()}`, // written literally in the target file
  password: `pw-${hex()}`, // literal user:password@
  token: `tok-${hex()}`, // literal ?access_token=
  commandVar: `cmd-${hex()}`, // ${VAR} echoed by a failing cold.command into the failure reason
};

let dir = '';
let server: FixtureServer;
const seen = { headerVar: 0, queryVar: 0, bearer: 0, basic: 0, token: 0 };

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-secrets-'));
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers['x-custom'] === SECRET.headerVar) seen.headerVar += 1;
    if (url.searchParams.get('q') === SECRET.queryVar) seen.queryVar += 1;
    if (req.headers.authorization === `Bearer ${SECRET.bearer}`) seen.bearer += 1;
    if (req.headers.authorization === `Basic ${Buffer.from(`svc:${SECRET.password}`).toString('base64')}`) seen.basic += 1;
    if (url.searchParams.get('access_token') === SECRET.token) seen.token += 1;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every file under `root` (hidden ones too), recursively. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

/** The forms a secret could take in an output: raw, JSON-escaped, URL-encoded, base64. */
function formsOf(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
}

test('secrets from ${VAR}, literal credential headers and URL credentials reach the target but no output', async () => {
  const file = path.join(dir, 'secrets.yaml');
  const out = path.join(dir, 'out');
  const port = server.port;
  writeFileSync(
    file,
    `defaults:
  cold: { samples: 3 }
  warm: { requests: 30, connections: 2 }
targets:
  - name: var-in-header-and-query
    kind: http
    url: http://127.0.0.1:${port}/a?q=\${COLDBENCH_SECRET_QUERY}
    headers:
      X-Custom: "\${COLDBENCH_SECRET_HEADER}"
      Authorization: "Bearer ${SECRET.bearer}"
  - name: literal-url-credentials
    kind: http
    url: http://svc:${SECRET.password}@127.0.0.1:${port}/b?access_token=${SECRET.token}&page=2
  - name: command-leaks-into-failure
    kind: http
    url: http://127.0.0.1:${port}/c
    cold: { samples: 1, strategy: command, command: "echo could not log in with \${COLDBENCH_SECRET_COMMAND} >&2; exit 1" }
`,
  );
  const result = await runColdbench(['run', file, '--out', out], {
    env: { COLDBENCH_SECRET_HEADER: SECRET.headerVar, COLDBENCH_SECRET_QUERY: SECRET.queryVar, COLDBENCH_SECRET_COMMAND: SECRET.commandVar },
  });
  assert.equal(result.code, 0, result.stderr);

  // The secrets really were used: cold samples, warm requests and the warm-up all carried them.
  assert.ok(seen.headerVar >= 3 + 30, `X-Custom from \${VAR} arrived ${seen.headerVar} times`);
  assert.equal(seen.queryVar, seen.headerVar, 'the query secret arrived with every request of that target');
  assert.equal(seen.bearer, seen.headerVar, 'the literal bearer token arrived with every request');
  assert.ok(seen.basic >= 3, `user:password@ became Basic auth (${seen.basic} times)`);
  assert.ok(seen.token >= 3, `access_token arrived (${seen.token} times)`);

  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
  assert.match(results.targets[2].failure, /could not log in with \[redacted\]/, 'the failure reason is kept, the secret cut out of it');
  assert.equal(results.targets[0].config.headers['X-Custom'], '[redacted]');
  assert.equal(results.targets[0].config.headers.Authorization, '[redacted]');

  const files = filesUnder(out);
  for (const name of ['results.json', 'summary.csv', 'samples.csv', 'costs.csv', 'summary.md', 'report.html', 'checkpoint.ndjson']) {
    assert.ok(files.includes(path.join(out, name)), `${name} was written`);
  }
  const outputs: Array<[string, string]> = [
    ...files.map((f): [string, string] => [path.relative(dir, f), readFileSync(f, 'utf8')]),
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ];
  assert.match(result.stderr, /command-leaks-into-failure failed: .*\[redacted\]/, 'the log shows the failure, redacted');
  for (const [name, secret] of Object.entries(SECRET)) {
    for (const form of formsOf(secret)) {
      for (const [where, text] of outputs) assert.ok(!text.includes(form), `secret ${name} (${form}) leaked into ${where}`);
    }
  }
});

test('a Lambda update-config run journals its change without leaking the function environment or ${VAR} values', async (t) => {
  const { startLambdaForTest } = await import('./helpers/lambda.js');
  const lambda = await startLambdaForTest();
  t.after(() => lambda.stop());
  const file = path.join(dir, 'lambda.yaml');
  const out = path.join(dir, 'out-lambda');
  writeFileSync(
    file,
    `targets:
  - name: fn
    kind: lambda
    region: ${lambda.region}
    endpoint: \${COLDBENCH_SECRET_ENDPOINT}
    function: hello
    payload: { note: "\${COLDBENCH_SECRET_PAYLOAD}" }
    cold: { samples: 2, pollInterval: 50ms, waitTimeout: 20s }
    warm: { requests: 10, connections: 1 }
`,
  );
  const payloadSecret = `payload-${hex()}`;
  const result = await runColdbench(['run', file, '--out', out], {
    env: { COLDBENCH_SECRET_ENDPOINT: lambda.endpoint, COLDBENCH_SECRET_PAYLOAD: payloadSecret, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret-key' },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.ok(existsSync(path.join(out, 'journal.ndjson')), 'the environment change was journalled');
  const texts = [...filesUnder(out).map((f) => readFileSync(f, 'utf8')), result.stdout, result.stderr];
  for (const text of texts) {
    assert.ok(!text.includes(payloadSecret), 'the ${VAR} payload value leaked');
    assert.ok(!text.includes('not-in-journal'), "the function's own environment (DB_PASSWORD) leaked");
    assert.ok(!text.includes('not-a-real-secret-key'), 'the AWS secret key leaked');
  }
});
