// Property-based: whatever document is thrown at the validator, it either returns a config or
// refuses it with a ConfigError whose every line names the file (and never crashes otherwise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify as yamlStringify } from 'yaml';
import { ConfigError, parseTargetFile } from '../bench/config/load.js';

const FILE = 'fuzz.yaml';
const RUNS = Number(process.env.COLDBENCH_FUZZ_RUNS ?? 400);

/** Parse and classify: 'ok' or 'refused'; anything else thrown fails the property. */
function check(text: string, env: Record<string, string> = {}): 'ok' | 'refused' {
  try {
    const config = parseTargetFile(text, FILE, '/tmp/fuzz.yaml', env);
    assert.ok(config.targets.length >= 1, 'a valid file has at least one target');
    return 'ok';
  } catch (err) {
    if (!(err instanceof ConfigError)) throw new Error(`not a ConfigError: ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err)}\n--- input ---\n${text}`);
    const lines = err.message.split('\n');
    assert.equal(lines.length, err.problems.length, `one line per problem:\n${err.message}`);
    for (const line of lines) assert.match(line, /^fuzz\.yaml(:\d+)?: \S/, `each line names the file:\n${err.message}`);
    assert.ok(!/\n\s+at /.test(err.message), 'no stack trace in the message');
    return 'refused';
  }
}

const KEYS = ['name', 'kind', 'url', 'region', 'method', 'headers', 'body', 'timeout', 'cold', 'warm', 'thresholds', 'pricing',
  'function', 'qualifier', 'endpoint', 'payload', 'project', 'service', 'namespace', 'deployment', 'context', 'host', 'auth',
  'samples', 'strategy', 'idle', 'command', 'instanceHeader', 'duration', 'requests', 'connections', 'rate', '__proto__', 'constructor', 'toString', '<<'];
const KINDS = ['http', 'lambda', 'cloud-function', 'cloud-run', 'knative', 'kubernetes', 'HTTP', ''];
const scalar = fc.oneof(
  fc.constantFrom(...KINDS, 'http://127.0.0.1:1/', 'https://x.invalid/a?b=c', 'not a url', '5s', '-5s', '0ms', '1.5m', '${X}', '${UNSET}', '$', 'update-config', 'none', 'idle', 'command', 'scale-to-zero'),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -5, max: 100 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('tree'), { maxLength: 4 }),
  map: fc.dictionary(fc.constantFrom(...KEYS), tie('tree'), { maxKeys: 6 }),
}));
const target = fc.record(
  {
    name: fc.oneof(fc.constantFrom('a', 'b', 'a'), scalar),
    kind: fc.oneof(fc.constantFrom(...KINDS), scalar),
    url: fc.oneof(fc.constant('http://127.0.0.1:1/'), scalar),
    function: scalar, region: scalar, project: scalar, service: scalar, deployment: scalar,
    cold: fc.oneof(fc.constant(false), fc.dictionary(fc.constantFrom('samples', 'strategy', 'idle', 'command', 'instanceHeader', 'waitTimeout', 'oops'), scalar, { maxKeys: 4 })),
    warm: fc.oneof(fc.constant(false), fc.dictionary(fc.constantFrom('duration', 'requests', 'connections', 'rate', 'warmup', 'warmm'), scalar, { maxKeys: 3 })),
    headers: fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 3 }),
    timeout: scalar,
  },
  { requiredKeys: [] },
);
const targetFile = fc.record(
  {
    targets: fc.oneof(fc.array(target, { maxLength: 3 }), tree),
    defaults: fc.oneof(tree, target),
    origin: scalar,
    timeout: scalar,
    thresholds: fc.oneof(fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }), tree),
    emulators: tree,
    extra: tree,
  },
  { requiredKeys: ['targets'] },
);
const env = fc.dictionary(fc.constantFrom('X', 'Y', 'TOKEN'), fc.string({ maxLength: 10 }), { maxKeys: 3 });

test('arbitrary text never crashes the validator', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => void check(text)), { numRuns: RUNS });
});

test('arbitrary YAML-ish text (indentation, flow, anchors, tags) never crashes the validator', () => {
  const token = fc.constantFrom('targets:', '\n', '  ', '- ', 'name: a', 'kind: http', 'url: http://127.0.0.1/', '{', '}', '[', ']', ',', ': ', '&a ', '*a', '!!binary ', '!custom ', '<<: *a', '"', "'", '#', '---', '...', '%YAML 1.2', '|', '>', '? ', 'cold:', 'samples: ten', '${X}', '~', '0x1F', '.inf');
  fc.assert(fc.property(fc.array(token, { maxLength: 30 }).map((t) => t.join('')), (text) => void check(text)), { numRuns: RUNS });
});

test('random JSON values and target-like documents (YAML and JSON) never crash the validator', () => {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), targetFile), fc.boolean(), env, (doc, asJson, vars) => {
      const text = asJson ? JSON.stringify(doc) ?? 'null' : yamlStringify(doc);
      check(text, vars);
    }),
    { numRuns: RUNS },
  );
});

/** Targets that are valid by construction: the validator must accept every one of them. */
const validTarget = fc.record(
  {
    url: fc.constantFrom('http://127.0.0.1:1/', 'https://example.invalid/path?q=1'),
    method: fc.constantFrom('GET', 'post', 'PUT'),
    timeout: fc.oneof(fc.constantFrom('500ms', '2s', '1m'), fc.nat(60_000)),
    cold: fc.oneof(
      fc.constant(false),
      fc.record({ samples: fc.nat(20), strategy: fc.constant('none') }),
      fc.record({ samples: fc.nat(20), strategy: fc.constant('idle'), idle: fc.constantFrom('1s', '90s') }),
      fc.record({ samples: fc.integer({ min: 1, max: 5 }), strategy: fc.constant('command'), command: fc.constant('true') }),
    ),
    warm: fc.oneof(
      fc.constant(false),
      fc.record({ duration: fc.constantFrom('1s', '30s'), connections: fc.integer({ min: 1, max: 64 }) }),
      fc.record({ requests: fc.integer({ min: 1, max: 10_000 }), rate: fc.integer({ min: 1, max: 5000 }) }),
    ),
  },
  { requiredKeys: ['url'] },
);
const validFile = fc.array(validTarget, { minLength: 1, maxLength: 4 }).map((targets) => ({
  targets: targets.map((t, i) => ({ name: `t${i}`, kind: 'http', ...t })),
}));

test('every valid-by-construction file is accepted, in YAML and in JSON', () => {
  fc.assert(
    fc.property(validFile, fc.boolean(), (doc, asJson) => {
      assert.equal(check(asJson ? JSON.stringify(doc) : yamlStringify(doc)), 'ok');
    }),
    { numRuns: RUNS },
  );
});

test('a valid file with one misspelt key anywhere is refused, naming that key and its line', () => {
  fc.assert(
    fc.property(validFile, fc.nat(), fc.constantFrom('warmm', 'sampels', 'urll', 'tiemout'), (doc, pick, typo) => {
      // Put the typo into the top level, a target, or a target's cold/warm mapping.
      const places: Record<string, unknown>[] = [doc as unknown as Record<string, unknown>];
      for (const t of doc.targets as Record<string, unknown>[]) {
        places.push(t);
        for (const k of ['cold', 'warm']) if (t[k] && typeof t[k] === 'object') places.push(t[k] as Record<string, unknown>);
      }
      const place = places[pick % places.length]!;
      place[typo] = 1;
      const text = yamlStringify(doc);
      assert.equal(check(text), 'refused');
      try {
        parseTargetFile(text, FILE, '/tmp/fuzz.yaml', {});
      } catch (err) {
        const message = (err as ConfigError).message;
        assert.equal(message.split('\n').length, 1, message);
        const line = text.split('\n').findIndex((l) => l.trimStart().replace(/^- /, '').startsWith(`${typo}:`)) + 1;
        assert.ok(line > 0);
        assert.match(message, new RegExp(`^fuzz\\.yaml:${line}: (\\S+\\.)?${typo}: unknown key`), message);
      }
    }),
    { numRuns: RUNS },
  );
});

test('an alias bomb is refused, not expanded', () => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 0; i < 12; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`);
  lines.push('targets: [*m]');
  assert.equal(check(lines.join('\n')), 'refused');
});
