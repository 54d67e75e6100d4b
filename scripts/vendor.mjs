// Part of the build (scripts/build.mjs): the heaviest libraries of the compiled code, loaded fast
// on Node 20.
//
// zod is some 230 small ES modules, the Kubernetes client some 900. Resolving, compiling and running
// them one by one was a third of a `coldbench validate` (zod) and a third of a `coldbench plan`
// (the Kubernetes client: 0.9 s), and Node 20 has no compile cache (22.1+ has
// module.enableCompileCache, which bin/coldbench.js turns on where it exists). So for each of them
// the build
//   1. bundles the package into one CommonJS file, dist/vendor/<name>.cjs;
//   2. runs it once and keeps V8's code cache of it, dist/vendor/<name>.cjs.cache (V8 checks the
//      cache against its version and flags and ignores one that does not fit: then the file is
//      compiled as usual, a little slower, never wrong);
//   3. writes dist/vendor/<name>.js, an ES module that loads the two and exports the package's names;
//   4. points every `from '<package>'` in dist/ at it, so a process holds one copy, not two.
// Runs after the Lambda origin's bundle, which takes the packages from node_modules itself.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';

/** Packages vendored, and the name of their files in dist/vendor/. */
export const VENDORED = [
  { name: 'zod', packageName: 'zod' },
  { name: 'kubernetes-client', packageName: '@kubernetes/client-node' },
];

/** The function text V8 compiles and caches; the loader below wraps the file the same way. */
const wrap = (source) => '(function (exports, require, module) {' + source + '\n})';

const loader = (name, names) => `// Written by scripts/vendor.mjs: the bundled ${name} and V8's code cache of it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const filename = fileURLToPath(new URL('./${name}.cjs', import.meta.url));
let cachedData;
try {
  cachedData = readFileSync(\`\${filename}.cache\`);
} catch {
  cachedData = undefined; // no cache: compiled as usual
}
const script = new Script('(function (exports, require, module) {' + readFileSync(filename, 'utf8') + '\\n})', { filename, cachedData });
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, createRequire(filename), bundle);
const {
${names.map((n, i) => `  ${JSON.stringify(n)}: v${i},`).join('\n')}
} = bundle.exports;
export {
${names.map((n, i) => `  v${i} as ${n},`).join('\n')}
};
export default bundle.exports.default ?? bundle.exports;
`;

function vendorOne(esbuild, vendorDir, { name, packageName }) {
  const bundle = path.join(vendorDir, `${name}.cjs`);
  esbuild.buildSync({
    stdin: { contents: `module.exports = require(${JSON.stringify(packageName)});`, resolveDir: path.dirname(vendorDir), sourcefile: `${name}-vendor.cjs` },
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'eof',
    logLevel: 'error',
  });
  const script = new Script(wrap(readFileSync(bundle, 'utf8')), { filename: bundle });
  const loaded = { exports: {} };
  script.runInThisContext()(loaded.exports, createRequire(bundle), loaded);
  // After a run the cache also holds the functions the package ran while loading.
  writeFileSync(`${bundle}.cache`, script.createCachedData());
  const names = Object.keys(loaded.exports).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
  if (names.length === 0) throw new Error(`vendor: the bundled ${packageName} exports nothing`);
  writeFileSync(path.join(vendorDir, `${name}.js`), loader(name, names));
}

/** `compiledFiles`: every compiled .js file of dist/ (absolute paths), whose imports are pointed at
 *  the vendored copies. */
export function vendorPackages(esbuild, dist, compiledFiles) {
  const vendorDir = path.join(dist, 'vendor');
  for (const entry of VENDORED) vendorOne(esbuild, vendorDir, entry);
  for (const file of compiledFiles) {
    let code = readFileSync(file, 'utf8');
    let changed = false;
    for (const { name, packageName } of VENDORED) {
      const pattern = new RegExp(` from ['"]${packageName.replace(/[/.@-]/g, (c) => `\\${c}`)}['"]`, 'g');
      if (!pattern.test(code)) continue;
      let relative = path.relative(path.dirname(file), path.join(vendorDir, `${name}.js`)).split(path.sep).join('/');
      if (!relative.startsWith('.')) relative = `./${relative}`;
      code = code.replace(pattern, ` from '${relative}'`);
      changed = true;
    }
    if (changed) writeFileSync(file, code);
  }
}
