// Every URL a target schema accepts is scrubbed of credentials (user:password@, token query
// parameters) in every output. The URL fields are found here by probing the schema itself (a field
// that takes an https URL and refuses plain text), independently of how redaction finds them: a
// URL field added to a target schema, or a new kind, and not redacted fails this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTargetFile } from '../bench/config/load.js';
import { targetSchema, type TargetKind } from '../bench/config/schema.js';
import { CREDENTIAL_URL_FIELDS } from '../bench/config/url-fields.js';
import { redactDeep } from '../bench/redact.js';
import { configEcho } from '../bench/runner.js';

/** The smallest valid target of each kind (a new kind is a compile error until it has one). */
const MINIMAL: Record<TargetKind, Record<string, unknown>> = {
  http: { url: 'http://127.0.0.1:1/' },
  lambda: { function: 'hello', region: 'us-east-1' },
  'cloud-function': { project: 'p', region: 'r', function: 'f' },
  'cloud-run': { project: 'p', region: 'r', service: 's' },
  knative: { service: 's' },
  kubernetes: { url: 'http://127.0.0.1:1/', deployment: 'd' },
};

const PASSWORD = 'pa55w0rd-in-url';
const TOKEN = 'tok-in-query-123';
const CREDENTIAL_URL = `https://user:${PASSWORD}@host.example/path?token=${TOKEN}`;

/** Fields of each kind's schema that accept an https URL and refuse text that is not one. */
function probedUrlFields(): Array<[TargetKind, string]> {
  return targetSchema.options.flatMap((schema) => {
    const kind = schema.shape.kind.value;
    return Object.entries(schema.shape)
      .filter(([, field]) => field.safeParse('https://host.example/').success && !field.safeParse('not a url').success)
      .map(([key]): [TargetKind, string] => [kind, key]);
  });
}

test('the probe finds the URL fields of today (so it would find a new one)', () => {
  const found = new Set(probedUrlFields().map(([kind, key]) => `${kind}.${key}`));
  for (const known of ['cloud-function.apiEndpoint', 'cloud-function.url', 'http.url', 'knative.url', 'kubernetes.url', 'lambda.endpoint', 'lambda.url']) {
    assert.ok(found.has(known), known);
  }
});

test('credentials in every URL field of every kind become secrets and never reach the echoed configuration', () => {
  for (const [kind, key] of probedUrlFields()) {
    assert.ok(CREDENTIAL_URL_FIELDS.has(key), `${kind}.${key} is a URL field that redaction knows`);
    const target = { name: `t-${kind}`, kind, ...MINIMAL[kind], [key]: CREDENTIAL_URL };
    const config = parseTargetFile(JSON.stringify({ targets: [target] }), 'test.json', '/tmp/test.json', {});
    assert.ok(config.secrets.has(PASSWORD), `${kind}.${key}: the URL password is a secret`);
    assert.ok(config.secrets.has(TOKEN), `${kind}.${key}: the token query parameter is a secret`);
    const echoed = JSON.stringify(redactDeep(configEcho(config.targets[0]!), config.secrets));
    assert.ok(!echoed.includes(PASSWORD) && !echoed.includes(TOKEN), `${kind}.${key}: ${echoed}`);
  }
});
