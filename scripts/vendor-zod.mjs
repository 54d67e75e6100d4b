// Part of the build (scripts/build.mjs): zod for the compiled code, loaded fast on Node 20.
//
// zod is some 230 small ES modules. Resolving, compiling and running them one by one was a third of
// a `coldbench validate`, and Node 20 has no compile cache (22.1+ has module.enableCompileCache,
// which bin/coldbench.js turns on where it exists). So the build
//   1. bundles zod into one CommonJS file, dist/vendor/zod.cjs;
//   2. runs it once and keeps V8's code cache of it, dist/vendor/zod.cjs.cache (V8 checks the cache
//      against its version and flags and ignores one that does not fit: then zod is compiled as
//      usual, a little slower, never wrong);
//   3. writes dist/vendor/zod.js, an ES module that loads the two and exports zod's names;
//   4. points every `from 'zod'` in dist/ at it, so a process holds one zod, not two.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';

/** The function text V8 compiles and caches; the loader in dist/vendor/zod.js wraps it the same way. */
const wrap = (source) => '(function (exports, require, module) {' + source + '\n})';

function compile(source, filename, cachedData) {
  return new Script(wrap(source), { filename, cachedData });
}

const LOADER = (names) => `// Written by scripts/vendor-zod.mjs: zod from one bundled file and V8's code cache of it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const filename = fileURLToPath(new URL('./zod.cjs', import.meta.url));
let cachedData;
try {
  cachedData = readFileSync(\`\${filename}.cache\`);
} catch {
  cachedData = undefined; // no cache: compiled as usual
}
const script = new Script('(function (exports, require, module) {' + readFileSync(filename, 'utf8') + '\\n})', { filename, cachedData });
const zod = { exports: {} };
script.runInThisContext()(zod.exports, createRequire(filename), zod);
const {
${names.map((name, i) => `  ${JSON.stringify(name)}: v${i},`).join('\n')}
} = zod.exports;
export {
${names.map((name, i) => `  v${i} as ${name},`).join('\n')}
};
export default zod.exports.z;
`;

export function vendorZod(esbuild, dist, sourceDirs) {
  const vendor = path.join(dist, 'vendor');
  const bundle = path.join(vendor, 'zod.cjs');
  esbuild.buildSync({
    stdin: { contents: "module.exports = require('zod');", resolveDir: path.dirname(dist), sourcefile: 'zod-vendor.cjs' },
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'eof',
    logLevel: 'error',
  });
  const source = readFileSync(bundle, 'utf8');
  const script = compile(source, bundle);
  const zod = { exports: {} };
  script.runInThisContext()(zod.exports, createRequire(bundle), zod);
  // After a run the cache also holds the functions zod ran while loading.
  writeFileSync(`${bundle}.cache`, script.createCachedData());
  const names = Object.keys(zod.exports).filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name));
  if (!names.includes('z')) throw new Error('vendor-zod: the bundled zod exports no `z`');
  writeFileSync(path.join(vendor, 'zod.js'), LOADER(names));

  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []));
  for (const file of sourceDirs.flatMap((d) => walk(path.join(dist, d)))) {
    const code = readFileSync(file, 'utf8');
    if (!/ from ['"]zod['"]/.test(code)) continue;
    let relative = path.relative(path.dirname(file), path.join(vendor, 'zod.js')).split(path.sep).join('/');
    if (!relative.startsWith('.')) relative = `./${relative}`;
    writeFileSync(file, code.replace(/ from ['"]zod['"]/g, ` from '${relative}'`));
  }
}
