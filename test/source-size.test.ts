// Small modules with one job each: no file under bench/ is over 300 lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../scripts/build.mjs';

const LIMIT = 300;

test(`no file under bench/ is over ${LIMIT} lines`, () => {
  const files = readdirSync(path.join(ROOT, 'bench'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  assert.ok(files.length > 50, 'bench/ was read');
  const over = files
    .map((e) => {
      const file = path.relative(ROOT, path.join(e.parentPath, e.name));
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      return { file, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0) };
    })
    .filter((f) => f.lines > LIMIT)
    .sort((a, b) => b.lines - a.lines);
  assert.deepEqual(over.map((f) => `${f.file}: ${f.lines} lines`), [], `files over ${LIMIT} lines: split them by concern`);
});
