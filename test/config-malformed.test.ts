// Every kind of malformed target file, through the real CLI (validate and run, as child processes):
// exit 2, exactly one stderr line per problem naming file, line and field, no stack trace, and
// `run` touches nothing (no report directory is created).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runColdbench, type CliRun } from './helpers/cli.js';

let dir = '';
before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-malformed-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runColdbench(args, { cwd: dir, env, timeoutMs: 30_000 });
}

interface Case {
  name: string;
  file: string;
  content?: string | Buffer; // absent: the file does not exist
  /** One regex per expected stderr line (after "coldbench: "): file, line and field. */
  lines: RegExp[];
  env?: NodeJS.ProcessEnv;
}

const t = (body: string) => `targets:\n  - name: a\n    kind: http\n    url: http://127.0.0.1:1/\n${body}`;

const CASES: Case[] = [
  {
    name: 'YAML syntax error',
    file: 'syntax.yaml',
    content: 'targets:\n  - name: a\n    kind: http\n    url: [http://127.0.0.1:1/\n    cold: { samples: 1 }\nfoo: bar\n',
    lines: [/^syntax\.yaml:\d+: \(document\): invalid YAML: \S/],
  },
  { name: 'JSON syntax error', file: 'broken.json', content: '{"targets": [{"name": "a",\n  "kind": "http"\n', lines: [/^broken\.json:\d+: \(document\): invalid YAML: \S/] },
  { name: 'empty file', file: 'empty.yaml', content: '', lines: [/^empty\.yaml: \(document\): is empty; expected a target file with a `targets:` list$/] },
  { name: 'blank file', file: 'blank.yaml', content: '\n   \n# only a comment\n', lines: [/^blank\.yaml: \(document\): is empty \(only comments\)/] },
  {
    name: 'binary file',
    file: 'binary.yaml',
    content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff]),
    lines: [/^binary\.yaml: \(document\): is a binary file, not YAML or JSON$/],
  },
  { name: 'missing file', file: 'does-not-exist.yaml', lines: [/^does-not-exist\.yaml: \(document\): file not found$/] },
  { name: 'missing targets', file: 'no-targets.yaml', content: 'origin: tokyo\ndefaults:\n  cold: { samples: 3 }\n', lines: [/^no-targets\.yaml:1: targets: missing; expected a list of targets$/] },
  {
    name: 'duplicate names',
    file: 'duplicate.yaml',
    content: t('  - name: a\n    kind: http\n    url: http://127.0.0.1:2/\n'),
    lines: [/^duplicate\.yaml:5: targets\[1\]\.name: duplicate target name "a" \(also targets\[0\]\)$/],
  },
  {
    name: 'wrong types',
    file: 'types.yaml',
    content: t('    cold:\n      samples: ten\n    warm: yes\n'),
    lines: [/^types\.yaml:6: targets\[0\]\.cold\.samples: expected a non-negative integer, got "ten"$/, /^types\.yaml:7: targets\[0\]\.warm: expected false or a mapping, got "yes"$/],
  },
  {
    name: 'invalid URL',
    file: 'url.yaml',
    content: 'targets:\n  - name: a\n    kind: http\n    url: ftp://127.0.0.1/x\n',
    lines: [/^url\.yaml:4: targets\[0\]\.url: expected an http:\/\/ or https:\/\/ URL, got "ftp:\/\/127\.0\.0\.1\/x"$/],
  },
  {
    name: 'negative durations',
    file: 'negative.yaml',
    content: t('    timeout: -5s\n    warm:\n      duration: -100\n'),
    lines: [/^negative\.yaml:5: targets\[0\]\.timeout: expected a duration like 500ms.*got "-5s"$/, /^negative\.yaml:7: targets\[0\]\.warm\.duration: expected a non-negative number of milliseconds, got -100$/],
  },
  { name: 'unknown key (typo)', file: 'typo.yaml', content: t('    warmm:\n      duration: 1s\n'), lines: [/^typo\.yaml:5: targets\[0\]\.warmm: unknown key .*check the spelling/] },
  {
    name: 'strategy the kind does not support',
    file: 'strategy.yaml',
    content: t('    cold:\n      strategy: scale-from-zero\n'),
    lines: [/^strategy\.yaml:6: targets\[0\]\.cold\.strategy: "scale-from-zero" is not a cold strategy of kind http \(supported: none, idle, command\)$/],
  },
  {
    name: '${VAR} not set',
    file: 'unset.yaml',
    content: t('    headers:\n      Authorization: "Bearer ${COLDBENCH_TEST_UNSET_TOKEN}"\n'),
    lines: [/^unset\.yaml:6: targets\[0\]\.headers\.Authorization: environment variable COLDBENCH_TEST_UNSET_TOKEN is not set/],
  },
  {
    name: 'several problems at once',
    file: 'several.yaml',
    content: 'targets:\n  - name: a\n    kind: http\n    url: nope\n  - name: b\n    kind: lamda\n',
    lines: [/^several\.yaml:4: targets\[0\]\.url: /, /^several\.yaml:6: targets\[1\]\.kind: unknown kind "lamda"/],
  },
];

function assertRefused(c: Case, command: string, result: CliRun): void {
  const context = `${c.name} (${command}):\n${result.stderr}`;
  assert.equal(result.code, 2, `exit code, ${context}`);
  assert.doesNotMatch(result.stderr, /\n\s+at |Error:|node:internal|\.ts:\d+:\d+/, `no stack trace, ${context}`);
  const lines = result.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, c.lines.length, `one line per problem, ${context}`);
  lines.forEach((line, i) => {
    assert.ok(line.startsWith('coldbench: '), context);
    assert.match(line.slice('coldbench: '.length), c.lines[i]!, context);
  });
  assert.equal(result.stdout, '', `nothing on stdout, ${context}`);
}

for (const c of CASES) {
  test(`malformed target file is refused with exit 2 and one line per problem: ${c.name}`, async () => {
    if (c.content !== undefined) writeFileSync(path.join(dir, c.file), c.content);
    const env = { COLDBENCH_TEST_UNSET_TOKEN: undefined, ...c.env };
    const out = path.join(dir, `out-${c.file}`);
    const [validate, run] = await Promise.all([cli(['validate', c.file], env), cli(['run', c.file, '--out', out], env)]);
    assertRefused(c, 'validate', validate);
    assertRefused(c, 'run', run);
    assert.ok(!existsSync(out), 'run refused before creating the report directory');
  });
}

test('the same file is accepted once the problem is fixed (the refusals are about the problems)', async () => {
  writeFileSync(path.join(dir, 'fixed.yaml'), t('    cold:\n      samples: 10\n    headers:\n      Authorization: "Bearer ${COLDBENCH_TEST_SET_TOKEN}"\n'));
  const result = await cli(['validate', 'fixed.yaml'], { COLDBENCH_TEST_SET_TOKEN: 'secret-token-value' });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^fixed\.yaml: valid \(1 target: http\)/);
  assert.doesNotMatch(result.stdout + result.stderr, /secret-token-value/);
});

test('a file outside the working directory is named by its absolute path', async () => {
  const outside = mkdtempSync(path.join(os.tmpdir(), 'coldbench-outside-'));
  try {
    const file = path.join(outside, 'typo.yaml');
    writeFileSync(file, t('    warmm: {}\n'));
    const result = await cli(['validate', file]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.split('\n')[0]?.startsWith(`coldbench: ${file}:5: targets[0].warmm: `), true, result.stderr);
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
});
