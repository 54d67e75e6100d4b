import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolate, type InterpolationProblem } from '../bench/config/interpolate.js';
import { ConfigError, parseTargetFile } from '../bench/config/load.js';

test('${VAR} is replaced everywhere in the tree and the value is remembered as a secret', () => {
  const secrets = new Set<string>();
  const problems: InterpolationProblem[] = [];
  const out = interpolate(
    { a: 'Bearer ${TOKEN}', list: ['${HOST}:${PORT}', 7], nested: { keep: '$HOME', literal: '${' } },
    { TOKEN: 'tok-123', HOST: 'h', PORT: '80' },
    secrets,
    problems,
  );
  assert.deepEqual(out, { a: 'Bearer tok-123', list: ['h:80', 7], nested: { keep: '$HOME', literal: '${' } });
  assert.deepEqual([...secrets].sort(), ['80', 'h', 'tok-123']);
  assert.deepEqual(problems, []);
});

test('a missing variable is an error naming the variable, the field and the line', () => {
  const text = ['targets:', '  - name: a', '    kind: http', '    url: http://127.0.0.1/', '    headers:', '      Authorization: "Bearer ${NOT_SET_ANYWHERE}"', ''].join('\n');
  assert.throws(
    () => parseTargetFile(text, 'bench.yaml', '/tmp/bench.yaml', {}),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.problems.length, 1);
      assert.equal(err.message, 'bench.yaml:6: targets[0].headers.Authorization: environment variable NOT_SET_ANYWHERE is not set (used as ${NOT_SET_ANYWHERE})');
      return true;
    },
  );
});

test('interpolated values reach the validated target and the secret set', () => {
  const text = 'targets:\n  - { name: a, kind: http, url: "http://127.0.0.1:${PORT}/", headers: { x-key: "${KEY}" } }\n';
  const config = parseTargetFile(text, 'f.yaml', '/tmp/f.yaml', { PORT: '9999', KEY: 'k-secret' });
  const target = config.targets[0];
  assert.ok(target && target.kind === 'http');
  assert.equal(target.url, 'http://127.0.0.1:9999/');
  assert.equal(target.headers['x-key'], 'k-secret');
  assert.ok(config.secrets.has('k-secret'));
});
