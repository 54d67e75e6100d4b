import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { renderJsonSchema } from '../bench/config/json-schema.js';

test('targets/schema.json is generated from the current zod schema (run `npm run schema`)', () => {
  assert.equal(readFileSync('targets/schema.json', 'utf8'), renderJsonSchema());
});

test('the published schema knows every kind and refuses unknown keys', () => {
  const schema = JSON.parse(renderJsonSchema()) as { properties: { targets: { items: { oneOf?: unknown[]; anyOf?: unknown[] } } }; additionalProperties: boolean };
  const variants = (schema.properties.targets.items.oneOf ?? schema.properties.targets.items.anyOf ?? []) as Array<{ properties: { kind: { const: string } }; additionalProperties: boolean }>;
  assert.deepEqual(variants.map((v) => v.properties.kind.const).sort(), ['cloud-function', 'cloud-run', 'http', 'knative', 'kubernetes', 'lambda']);
  assert.ok(variants.every((v) => v.additionalProperties === false));
  assert.equal(schema.additionalProperties, false);
});

test('every example target file references the schema for editors', () => {
  for (const file of readdirSync('targets').filter((f) => /\.ya?ml$/.test(f))) {
    assert.match(readFileSync(`targets/${file}`, 'utf8'), /yaml-language-server: \$schema=\.\/schema\.json/, file);
  }
});
