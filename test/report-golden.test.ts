// Every text report, byte for byte: summary.md, summary.csv, samples.csv, the texts report.html
// shows (its view), and compare's table and Markdown, rendered from fixed results files and
// checked against test/golden/ (see test/helpers/report-golden.ts to rewrite them on purpose).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GOLDEN_DIR, goldenOutputs } from './helpers/report-golden.js';

const outputs = goldenOutputs();

for (const [file, actual] of outputs) {
  test(`${file} is unchanged`, () => {
    const golden = path.join(GOLDEN_DIR, file);
    assert.ok(existsSync(golden), `${golden} is missing`);
    assert.equal(actual, readFileSync(golden, 'utf8'));
  });
}

test('every golden file is still produced (none is left over from an output that went away)', () => {
  const produced = new Set(outputs.map(([file]) => file));
  const stored = readdirSync(GOLDEN_DIR, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(GOLDEN_DIR, path.join(e.parentPath, e.name)));
  assert.deepEqual(stored.sort(), [...produced].sort());
});
