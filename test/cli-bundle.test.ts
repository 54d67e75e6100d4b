// The build bundles the CLI's own modules into dist/cli/ (scripts/bundle-cli.mjs). What stays outside
// the bundle (dist/vendor/, dist/platforms/) is imported as `#dist/...` (package.json "imports"),
// which must name the same file from any folder; the reporters' files must sit beside the bundle.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DIST, ROOT } from '../scripts/build.mjs';
import { outsideImportsAsSubpaths } from '../scripts/bundle-cli.mjs';
import { ensureBuilt } from './helpers/cli.js';

test('outsideImportsAsSubpaths: imports into dist/vendor and dist/platforms become #dist/ names; the rest stay', () => {
  const dist = '/pkg/dist';
  const code = [
    "import { z } from '../../vendor/zod.js';",
    "import { Command } from './../vendor/commander.js';",
    "import { readFileSync } from 'node:fs';",
    "import { loadTargetFile } from './load.js';",
    "import { x } from '../errors.js';",
    "const registry = await import('../../platforms/registry.js');",
    'import "../../platforms/side-effect.js";',
    "import { stringify } from 'csv-stringify/sync';",
    "const text = 'from \\'../../vendor/zod.js\\' in a string';",
  ].join('\n');
  const out = outsideImportsAsSubpaths(code, '/pkg/dist/bench/config/load.js', dist).split('\n');
  assert.deepEqual(out, [
    "import { z } from '#dist/vendor/zod.js';",
    "import { Command } from './../vendor/commander.js';",
    "import { readFileSync } from 'node:fs';",
    "import { loadTargetFile } from './load.js';",
    "import { x } from '../errors.js';",
    "const registry = await import('#dist/platforms/registry.js');",
    'import "#dist/platforms/side-effect.js";',
    "import { stringify } from 'csv-stringify/sync';",
    "const text = 'from \\'../../vendor/zod.js\\' in a string';",
  ]);
  // From dist/bench/ itself, ./../vendor leads into dist/vendor.
  assert.equal(outsideImportsAsSubpaths("import { Command } from './../vendor/commander.js';", '/pkg/dist/bench/cli.js', dist), "import { Command } from '#dist/vendor/commander.js';");
});

test('package.json maps #dist/* to ./dist/*, and every #dist/ import of dist/ names a file that exists', () => {
  ensureBuilt();
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { imports?: Record<string, string> };
  assert.deepEqual(pkg.imports, { '#dist/*': './dist/*' });
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []));
  const named = new Set<string>();
  for (const file of [...walk(path.join(DIST, 'bench')), ...walk(path.join(DIST, 'cli'))]) {
    for (const m of readFileSync(file, 'utf8').matchAll(/["'](#dist\/[^"']+)["']/g)) named.add(m[1]!);
  }
  assert.ok(named.has('#dist/vendor/zod.js') && named.has('#dist/platforms/registry.js'), [...named].join(' '));
  for (const name of named) assert.ok(existsSync(path.join(DIST, name.slice('#dist/'.length))), name);
});

test("the reporters' client scripts and styles sit beside the bundle, as they were written", () => {
  ensureBuilt();
  const assets = readdirSync(path.join(ROOT, 'bench', 'reporters')).filter((name) => !name.endsWith('.ts'));
  assert.ok(assets.includes('html-client.js') && assets.includes('html-styles.css'), assets.join(' '));
  for (const name of assets) assert.equal(readFileSync(path.join(DIST, 'cli', name), 'utf8'), readFileSync(path.join(ROOT, 'bench', 'reporters', name), 'utf8'), name);
});
