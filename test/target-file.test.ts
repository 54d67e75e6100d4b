import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseTargetFile } from '../bench/config/load.js';
import { deepMerge } from '../bench/config/normalize.js';

const parse = (text: string) => parseTargetFile(text, 'targets.yaml', '/tmp/targets.yaml', {});
const problemsOf = (text: string): string[] => {
  try {
    parse(text);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.message.split('\n');
  }
  assert.fail('expected the file to be refused');
};

test('a valid file gets defaults deep-merged, durations in ms and per-kind defaults', () => {
  const config = parse(`
origin: tokyo
defaults:
  cold: { samples: 7, instanceHeader: X-Instance-Id }
  warm: { duration: 2s, connections: 3 }
targets:
  - name: a
    kind: http
    url: http://127.0.0.1:1/
    cold: { strategy: idle, idle: 90s }
  - name: b
    kind: http
    url: http://127.0.0.1:2/
    body: '{"x":1}'
    warm: { requests: 100 }
    cold: false
`);
  assert.equal(config.origin, 'tokyo');
  const [a, b] = config.targets;
  assert.ok(a && b);
  assert.deepEqual(a.cold, { samples: 7, strategy: 'idle', idleMs: 90_000, command: undefined, instanceHeader: 'x-instance-id', waitTimeoutMs: 180_000, pollIntervalMs: 0 });
  assert.equal(a.warm?.durationMs, 2000);
  assert.equal(a.warm?.connections, 3);
  assert.equal(a.method, 'GET');
  assert.equal(b.cold, null);
  assert.equal(b.method, 'POST', 'a body without a method means POST');
  assert.equal(b.warm?.requests, 100);
  assert.equal(b.warm?.durationMs, undefined, 'requests replaces the default duration');
  assert.equal(b.warm?.connections, 3, 'warm from defaults merged key by key');
});

test('deepMerge merges mappings and replaces lists and scalars', () => {
  assert.deepEqual(deepMerge({ a: { x: 1, y: 2 }, l: [1, 2], s: 1 }, { a: { y: 3 }, l: [9], s: 2 }), { a: { x: 1, y: 3 }, l: [9], s: 2 });
});

test('an unknown kind names the field, the line and the kinds there are', () => {
  const lines = problemsOf('targets:\n  - name: a\n    kind: lamda\n    function: f\n');
  assert.deepEqual(lines, ['targets.yaml:3: targets[0].kind: unknown kind "lamda"; expected one of http, lambda, cloud-function, cloud-run, knative, kubernetes']);
});

test('every problem is reported at once, each with its path and line', () => {
  const lines = problemsOf(`targets:
  - name: a
    kind: http
    url: not-a-url
    cold:
      samples: ten
  - name: b
    kind: http
    url: http://127.0.0.1/
    warmm: { duration: 1s }
`);
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.match(lines[0] ?? '', /^targets\.yaml:4: targets\[0\]\.url: expected an http:\/\/ or https:\/\/ URL/);
  assert.match(lines[1] ?? '', /^targets\.yaml:6: targets\[0\]\.cold\.samples: expected a non-negative integer, got "ten"$/);
  assert.match(lines[2] ?? '', /^targets\.yaml:10: targets\[1\]\.warmm: unknown key/);
});

test('a strategy the kind does not support is refused with the supported ones', () => {
  const lines = problemsOf('targets:\n  - name: a\n    kind: http\n    url: http://127.0.0.1/\n    cold: { strategy: update-config }\n');
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', /^targets\.yaml:5: targets\[0\]\.cold\.strategy: "update-config" is not a cold strategy of kind http \(supported: none, idle, command\)/);
});

test('a problem in a merged default points at the defaults line', () => {
  const lines = problemsOf('defaults:\n  warm:\n    duration: -5s\ntargets:\n  - { name: a, kind: http, url: "http://127.0.0.1/" }\n');
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', /^targets\.yaml:3: targets\[0\]\.warm\.duration: /);
});

test('duplicate names, missing targets, YAML syntax errors, empty and binary files are refused', () => {
  assert.match(problemsOf('targets:\n  - { name: a, kind: http, url: "http://x/" }\n  - { name: a, kind: http, url: "http://y/" }\n')[0] ?? '', /^targets\.yaml:3: targets\[1\]\.name: duplicate target name "a" \(also targets\[0\]\)/);
  assert.match(problemsOf('origin: x\n')[0] ?? '', /^targets\.yaml(:1)?: targets: missing/);
  assert.match(problemsOf('targets:\n  - name: [unclosed\n')[0] ?? '', /^targets\.yaml:\d+: \(document\): invalid YAML/);
  assert.match(problemsOf('  \n')[0] ?? '', /is empty/);
  assert.match(problemsOf('targets\u0000')[0] ?? '', /binary/);
});

test('JSON target files work too (YAML is a superset)', () => {
  const config = parse('{"targets": [{"name": "j", "kind": "http", "url": "https://example.invalid/"}]}');
  assert.equal(config.targets[0]?.name, 'j');
});

test('rate and connections together are refused (two load models)', () => {
  const lines = problemsOf('targets:\n  - name: a\n    kind: http\n    url: http://127.0.0.1/\n    warm: { rate: 100, connections: 2 }\n');
  assert.match(lines[0] ?? '', /targets\[0\]\.warm\.rate: set either rate \(open model\) or connections/);
});

test('the example target files validate (the cloud example with its ${API_TOKEN} set)', async () => {
  const { loadTargetFile } = await import('../bench/config/load.js');
  const cloud = loadTargetFile('targets/example-cloud.yaml', { API_TOKEN: 'token-for-the-test' });
  assert.deepEqual(cloud.targets.map((t) => t.kind), ['http', 'lambda', 'cloud-function', 'cloud-run', 'knative', 'kubernetes', 'kubernetes']);
  const proxied = cloud.targets[6]!;
  assert.ok(proxied.kind === 'kubernetes' && proxied.service === 'hello' && proxied.url === undefined, 'one Deployment through the service proxy');
  const rated = cloud.targets[5]!;
  assert.equal(rated.warm?.rate, 200);
  assert.equal(rated.warm?.connections, 4, 'a target with rate does not inherit the default connections');
  const local = loadTargetFile('targets/local.yaml', {});
  assert.ok(local.targets.length >= 7);
});
