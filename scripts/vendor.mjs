// Part of the build (scripts/build.mjs): the heaviest libraries of the compiled code, loaded fast
// on Node 20.
//
// zod is some 230 small ES modules, the Kubernetes client some 900. Resolving, compiling and running
// them one by one was a third of a `coldbench validate` (zod) and a third of a `coldbench plan`
// (the Kubernetes client: 0.9 s), and Node 20 has no compile cache (22.1+ has
// module.enableCompileCache, which bin/coldbench.js turns on where it exists). So for each of them
// the build
//   1. bundles the package into one CommonJS file, dist/vendor/<name>.cjs;
//   2. runs it once, and works it as coldbench does (warmUp: so that V8 has compiled those functions
//      too), and keeps V8's code cache of it, dist/vendor/<name>.cjs.cache (V8 checks the
//      cache against its version and flags and ignores one that does not fit: then the file is
//      compiled as usual, a little slower, never wrong);
//   3. writes dist/vendor/<name>.js, an ES module that loads the two and exports the package's names;
//   4. points every `from '<package>'` in dist/ at it, so a process holds one copy, not two.
// zod is used one way only, `import { z } from 'zod'` and `z.<name>`: its bundle holds just the
// members of z that the compiled code names (no locales but English, no JSON-schema reader, no
// codecs): 0.1 MB instead of 0.56 MB, loaded in a fifth of the time. Any other use of zod in dist/
// fails the build, so a name cannot go missing at run time.
// commander is the first thing every command loads; it requires node:child_process (with net and
// streams: some 15 ms) for external subcommands, which coldbench has none of, so its bundle gets
// that module only on first use.
// Runs after the Lambda origin's bundle, which takes the packages from node_modules itself.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';

/** Packages vendored, and the name of their files in dist/vendor/. */
export const VENDORED = [
  { name: 'zod', packageName: 'zod', onlyNamespace: 'z', warmUp: warmUpZod },
  { name: 'kubernetes-client', packageName: '@kubernetes/client-node' },
  { name: 'commander', packageName: 'commander', lazyBuiltins: ['node:child_process'], warmUp: warmUpCommander },
  { name: 'js-yaml', packageName: 'js-yaml', warmUp: ({ load }) => load('a: [1, "x", {b: true}]\nc: |\n  text\n# comment\nd: null\n') },
];

/** Builds and applies schemas the way bench/config does (jitless, as bench/zod.ts sets it). */
function warmUpZod({ z }) {
  z.config({ jitless: true });
  const text = z.string().min(1).regex(/^\w+$/).optional().describe('text');
  const schema = z.strictObject({
    kind: z.literal('a'),
    n: z.int().positive().max(10).optional(),
    list: z.array(z.union([z.string(), z.number()])).min(1),
    map: z.record(z.string(), z.string()).optional(),
    mode: z.enum(['x', 'y']).optional(),
    loose: z.looseObject({ t: text }).optional(),
    when: z.preprocess((v) => v, z.string().refine((v) => v.length > 0)).optional(),
  });
  const either = z.discriminatedUnion('kind', [schema, z.strictObject({ kind: z.literal('b'), flag: z.boolean().optional(), none: z.null().optional() })]);
  either.safeParse({ kind: 'a', n: 3, list: ['x', 1], map: { k: 'v' }, mode: 'x', loose: { t: 'w', u: 1 }, when: 's' });
  either.safeParse({ kind: 'a', n: -1, list: [], extra: 1, mode: 'z', loose: { t: '' } });
  either.safeParse({ kind: 'c' });
}

function warmUpCommander({ Command, Option }) {
  const program = new Command('warm').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  program.addOption(new Option('--flag <value>', 'a flag').choices(['a', 'b']));
  program.command('sub').argument('[file]').option('--out <dir>').action(() => {});
  program.parse(['node', 'warm', 'sub', 'f', '--out', 'o']);
  program.helpInformation();
}

const escape = (text) => text.replace(/[/.@$-]/g, (c) => `\\${c}`);

/** The members of `namespace` (the package's namespace export, e.g. zod's `z`) that the compiled
 *  files use, in every file that imports it from the package or from a module of the same name
 *  (bench/zod.js re-exports it). Throws when a file imports the package any other way, or reaches
 *  into the namespace with a computed key: then the used members cannot be known. */
export function namespaceMembers(packageName, namespace, compiledFiles) {
  const source = `(?:${escape(packageName)}|[^'"]*/${escape(packageName.split('/').pop())}\\.js)`;
  const anyImport = new RegExp(`(import|export)\\s*([^;'"]*?)\\s*from\\s*['"]${source}['"]|import\\(\\s*['"]${source}['"]`, 'g');
  const member = new RegExp(`(?<![\\w$.])${escape(namespace)}\\.([A-Za-z_$][\\w$]*)`, 'g');
  const computed = new RegExp(`(?<![\\w$.])${escape(namespace)}\\s*\\[`);
  const members = new Set();
  for (const file of compiledFiles) {
    const code = readFileSync(file, 'utf8');
    const imports = [...code.matchAll(anyImport)];
    if (imports.length === 0) continue;
    for (const m of imports) {
      if (m[1] !== 'import' || m[2]?.replace(/\s+/g, '') !== `{${namespace}}`) {
        throw new Error(`vendor: ${file} uses ${packageName} as \`${m[0]}\`; the vendored ${packageName} serves only \`import { ${namespace} } from '${packageName}'\``);
      }
    }
    if (computed.test(code)) throw new Error(`vendor: ${file} indexes ${namespace}[...]; name the members of ${namespace} instead`);
    for (const m of code.matchAll(member)) members.add(m[1]);
  }
  return [...members].sort();
}

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

/** `require("<builtin>")` in a bundle turned into a stand-in that requires the module on first use. */
function lazyRequires(code, builtins, bundle) {
  for (const builtin of builtins) {
    const call = `require(${JSON.stringify(builtin)})`;
    const count = code.split(call).length - 1;
    if (count === 0) throw new Error(`vendor: ${bundle} has no ${call} to make lazy`);
    const load = `(()=>{let m;const l=()=>m??=${call};return new Proxy({},{get:(_,k)=>l()[k],has:(_,k)=>k in l(),ownKeys:()=>Reflect.ownKeys(l()),getOwnPropertyDescriptor:(_,k)=>Reflect.getOwnPropertyDescriptor(l(),k)})})()`;
    code = code.split(call).join(load);
  }
  return code;
}

/** The bundle's entry: the whole package, or only the used members of its namespace export. */
function entryOf({ packageName, onlyNamespace }, compiledFiles) {
  if (!onlyNamespace) return `module.exports = require(${JSON.stringify(packageName)});`;
  const members = namespaceMembers(packageName, onlyNamespace, compiledFiles);
  const exported = new Set(Object.keys(createRequire(import.meta.url)(packageName)));
  const unknown = members.filter((m) => !exported.has(m));
  if (unknown.length > 0) throw new Error(`vendor: the compiled code uses ${onlyNamespace}.${unknown.join(`, ${onlyNamespace}.`)}, which ${packageName} does not export`);
  const locals = members.map((m, i) => `${m} as m${i}`).join(', ');
  const object = members.map((m, i) => `${JSON.stringify(m)}: m${i}`).join(', ');
  return `import { ${locals} } from ${JSON.stringify(packageName)};\nconst ${onlyNamespace} = Object.freeze({ ${object} });\nexport { ${onlyNamespace}, ${onlyNamespace} as default };\n`;
}

function vendorOne(esbuild, vendorDir, entry, compiledFiles) {
  const { name, packageName } = entry;
  const bundle = path.join(vendorDir, `${name}.cjs`);
  esbuild.buildSync({
    stdin: { contents: entryOf(entry, compiledFiles), resolveDir: path.dirname(vendorDir), sourcefile: `${name}-vendor.${entry.onlyNamespace ? 'mjs' : 'cjs'}` },
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'eof',
    logLevel: 'error',
  });
  if (entry.lazyBuiltins) writeFileSync(bundle, lazyRequires(readFileSync(bundle, 'utf8'), entry.lazyBuiltins, bundle));
  const script = new Script(wrap(readFileSync(bundle, 'utf8')), { filename: bundle });
  const loaded = { exports: {} };
  script.runInThisContext()(loaded.exports, createRequire(bundle), loaded);
  entry.warmUp?.(loaded.exports);
  // After a run the cache also holds the functions the package ran while loading and warming up.
  writeFileSync(`${bundle}.cache`, script.createCachedData());
  const names = Object.keys(loaded.exports).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
  if (names.length === 0) throw new Error(`vendor: the bundled ${packageName} exports nothing`);
  writeFileSync(path.join(vendorDir, `${name}.js`), loader(name, names));
}

/** `compiledFiles`: every compiled .js file of dist/ (absolute paths), whose imports are pointed at
 *  the vendored copies. */
export function vendorPackages(esbuild, dist, compiledFiles) {
  const vendorDir = path.join(dist, 'vendor');
  for (const entry of VENDORED) vendorOne(esbuild, vendorDir, entry, compiledFiles);
  for (const file of compiledFiles) {
    let code = readFileSync(file, 'utf8');
    let changed = false;
    for (const { name, packageName } of VENDORED) {
      const pattern = new RegExp(` from ['"]${escape(packageName)}['"]`, 'g');
      if (!pattern.test(code)) continue;
      let relative = path.relative(path.dirname(file), path.join(vendorDir, `${name}.js`)).split(path.sep).join('/');
      if (!relative.startsWith('.')) relative = `./${relative}`;
      code = code.replace(pattern, ` from '${relative}'`);
      changed = true;
    }
    if (changed) writeFileSync(file, code);
  }
}
