// The shipped CLI takes zod from dist/vendor (one bundled file and V8's code cache of it, written
// by scripts/vendor-zod.mjs during the build): it must be all of zod, used everywhere in dist/bench,
// and its cache must be one this Node accepts (else the start-up gain is silently gone).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { DIST, ROOT } from '../scripts/build.mjs';
import { ensureBuilt } from './helpers/cli.js';

const VENDOR = path.join(DIST, 'vendor');

test('dist/vendor/zod.js exports every name the zod package exports, and parses the same', () => {
  ensureBuilt();
  // In a plain node process, as the CLI runs (the test runner's loader handles ES modules its own way).
  const script = `
    const real = await import('zod');
    const vendored = await import(${JSON.stringify(pathToFileURL(path.join(VENDOR, 'zod.js')).href)});
    const schema = vendored.z.object({ a: vendored.z.number().int().min(1) }).strict();
    const failed = schema.safeParse({ a: 0, b: 1 });
    console.log(JSON.stringify({
      real: Object.keys(real).sort(), vendored: Object.keys(vendored).sort(), sameDefault: vendored.default === vendored.z,
      parsed: schema.parse({ a: 2 }), codes: failed.error.issues.map((i) => i.code).sort(),
    }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout) as { real: string[]; vendored: string[]; sameDefault: boolean; parsed: unknown; codes: string[] };
  assert.ok(out.real.length > 100);
  assert.deepEqual(out.vendored, out.real);
  assert.equal(out.sameDefault, true);
  assert.deepEqual(out.parsed, { a: 2 });
  assert.deepEqual(out.codes, ['too_small', 'unrecognized_keys']);
});

test('V8 accepts the code cache built with the bundle', () => {
  ensureBuilt();
  const filename = path.join(VENDOR, 'zod.cjs');
  const script = new Script(`(function (exports, require, module) {${readFileSync(filename, 'utf8')}\n})`, { filename, cachedData: readFileSync(`${filename}.cache`) });
  assert.equal(script.cachedDataRejected, false);
});

test('no compiled file of the product imports the zod package itself', () => {
  ensureBuilt();
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []));
  const direct = walk(path.join(DIST, 'bench')).filter((file) => / from ['"]zod['"]/.test(readFileSync(file, 'utf8')));
  assert.deepEqual(direct, []);
  assert.match(readFileSync(path.join(DIST, 'bench', 'zod.js'), 'utf8'), /from '\.\/\.\.\/vendor\/zod\.js'|from '\.\.\/vendor\/zod\.js'/);
});
