// `origins:` in a target file and the flags that use it: every problem with file, line and field
// (exit 2), what an engine cannot measure refused before anything is created (naming the origin),
// and --origins / --parallel-origins / --origin combinations.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, parseTargetFile } from '../bench/config/load.js';
import { runColdbench } from './helpers/servers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-origins-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HTTP_TARGET = `targets:
  - name: web
    kind: http
    url: http://127.0.0.1:9/
`;

function problemsOf(text: string): string[] {
  try {
    parseTargetFile(text, 'targets.yaml', path.join(dir, 'targets.yaml'), {});
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message.split('\n');
  }
  assert.fail('expected the file to be refused');
}

test('a valid origins section: both engines, defaults filled in', () => {
  const config = parseTargetFile(
    `${HTTP_TARGET}origins:
  - name: tokyo
    kubernetes: { context: gke-asia, image: ghcr.io/acme/coldbench:0.1.0 }
  - name: frankfurt
    lambda: { region: eu-central-1 }
`,
    'targets.yaml',
    path.join(dir, 'targets.yaml'),
    {},
  );
  assert.deepEqual(
    config.origins.map((o) => ({ name: o.name, engine: o.engine, line: o.line })),
    [
      { name: 'tokyo', engine: 'kubernetes', line: 6 },
      { name: 'frankfurt', engine: 'lambda', line: 8 },
    ],
  );
  const [tokyo, frankfurt] = config.origins;
  assert.ok(tokyo?.engine === 'kubernetes' && frankfurt?.engine === 'lambda');
  assert.equal(tokyo.kubernetes.namespace, 'coldbench');
  assert.equal(tokyo.kubernetes.cpu, '1');
  assert.equal(frankfurt.lambda.memoryMb, 1769);
  assert.equal(frankfurt.lambda.roleArn, undefined);
});

test('origin problems name the file, line and field, all at once', () => {
  const lines = problemsOf(`${HTTP_TARGET}origins:
  - name: Tokyo
    kubernetes: { image: x }
  - name: both
    kubernetes: { image: x }
    lambda: { region: eu-central-1 }
  - name: nothing
  - name: typo
    lambda: { region: eu-central-1, memry: 512 }
  - name: badrole
    lambda: { region: eu-central-1, roleArn: "role/coldbench" }
  - name: noimage
    kubernetes: { namespace: coldbench }
`);
  assert.deepEqual(lines, [
    'targets.yaml:6: origins[0].name: expected a lower-case name of letters, digits and - (it names what is created for the origin), got "Tokyo"',
    'targets.yaml:8: origins[1]: expected exactly one engine: `kubernetes: {...}` or `lambda: {...}`',
    'targets.yaml:11: origins[2]: expected exactly one engine: `kubernetes: {...}` or `lambda: {...}`',
    'targets.yaml:13: origins[3].lambda.memry: unknown key (not part of this origin\'s schema; check the spelling)',
    'targets.yaml:15: origins[4].lambda.roleArn: expected an IAM role ARN like arn:aws:iam::123456789012:role/coldbench, got "role/coldbench"',
    'targets.yaml:17: origins[5].kubernetes.image: missing; expected a string',
  ]);
});

test('duplicate origin names are refused', () => {
  const lines = problemsOf(`${HTTP_TARGET}origins:\n  - name: a\n    lambda: { region: eu-central-1 }\n  - name: a\n    lambda: { region: eu-west-1 }\n`);
  assert.deepEqual(lines, ['targets.yaml:8: origins[1].name: duplicate origin name "a" (also origins[0])']);
});

test('a Lambda origin refuses targets it cannot measure, naming the origin and the target', () => {
  const lines = problemsOf(`targets:
  - name: deploy
    kind: kubernetes
    url: http://127.0.0.1:9/
    deployment: hello
origins:
  - name: frankfurt
    lambda: { region: eu-central-1 }
`);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^targets\.yaml:8: origins\[0\]\.lambda: origin frankfurt \(lambda\) cannot measure target deploy \(kubernetes\): it needs the cluster's API/);
});

test("a Lambda origin refuses a file predicted to outlast Lambda's 900 s, naming the origin", () => {
  const lines = problemsOf(`targets:
  - name: slow
    kind: http
    url: http://127.0.0.1:9/
    cold: { strategy: idle, idle: 2m, samples: 8 }
origins:
  - name: frankfurt
    lambda: { region: eu-central-1 }
  - name: tokyo
    kubernetes: { image: ghcr.io/acme/coldbench:0.1.0 }
`);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0]!, /^targets\.yaml:8: origins\[0\]\.lambda: origin frankfurt: the targets are predicted to take \d+ s, more than a Lambda origin can run \(900 s, Lambda's limit/);
});

test('a remote origin refuses a payload read from a local file, and a cluster target in another context', () => {
  const lines = problemsOf(`targets:
  - name: fn
    kind: lambda
    region: eu-central-1
    function: hello
    payload: "@event.json"
  - name: deploy
    kind: kubernetes
    url: http://127.0.0.1:9/
    deployment: hello
    context: other-cluster
origins:
  - name: tokyo
    kubernetes: { context: gke-asia, image: ghcr.io/acme/coldbench:0.1.0 }
`);
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[0]!, /origins\[0\]: target fn reads its payload from a local file \(@event\.json\)/);
  assert.match(lines[1]!, /origins\[0\]\.kubernetes\.context: origin tokyo runs in context gke-asia but target deploy is in context other-cluster/);
});

test('`coldbench validate` lists the origins', async () => {
  const file = path.join(dir, 'valid.yaml');
  writeFileSync(file, `${HTTP_TARGET}origins:\n  - name: frankfurt\n    lambda: { region: eu-central-1 }\n`);
  const result = await runColdbench(['validate', file]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /valid \(1 target: http; origins: frankfurt \(lambda\)\)/);
});

test('--origins, --parallel-origins and --origin: wrong combinations are exit 2 before anything runs', async () => {
  const withOrigins = path.join(dir, 'with-origins.yaml');
  writeFileSync(withOrigins, `${HTTP_TARGET}origins:\n  - name: frankfurt\n    lambda: { region: eu-central-1 }\n  - name: tokyo\n    kubernetes: { image: ghcr.io/acme/coldbench:0.1.0 }\n`);
  const without = path.join(dir, 'without.yaml');
  writeFileSync(without, HTTP_TARGET);
  const cases: Array<[string[], RegExp]> = [
    [['run', withOrigins, '--origins', 'paris'], /--origins: .*with-origins\.yaml has no origin named "paris" \(origins: frankfurt, tokyo\)/],
    [['run', withOrigins, '--parallel-origins'], /--parallel-origins: only with --origins/],
    [['run', withOrigins, '--origins', 'all', '--origin', 'x'], /--origin and --origins: give one/],
    [['run', without, '--origins', 'all'], /--origins: .*without\.yaml has no `origins:` section/],
  ];
  for (const [args, message] of cases) {
    const result = await runColdbench([...args, '--out', path.join(dir, 'never')]);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
  }
});
