// Part of the build (scripts/build.mjs), after the vendoring: the CLI's own modules in a few files.
//
// tsc writes one ES module per source file, and a `coldbench validate` loaded 33 of them: Node 20
// resolves, opens, reads, compiles and links each one on its own, which was the largest share of
// the start-up left once zod and commander were vendored. So the build bundles dist/bench/cli.js
// and everything it imports, statically or with a literal `import()`, into dist/cli/: cli.js and
// shared chunks, one per group of modules that load together (esbuild's code splitting), so each
// command still loads only what it uses and every module exists once in a process.
//
// Left outside the bundle, and imported by the bundle from their usual place:
//   - packages in node_modules, and dist/vendor/ (the vendored ones, with their code caches);
//   - dist/platforms/ (the local platforms find their own files from import.meta.url).
// Their imports in dist/bench/ are rewritten first to `#dist/...`, which package.json's "imports"
// maps to ./dist/..., so the same specifier is right from dist/bench/config/ and from dist/cli/.
// The reporters read their client scripts and styles from beside themselves (import.meta.url): they
// are copied beside the bundle too. dist/bench/ stays as tsc wrote it (the unbundled modules).
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The folder of the bundled CLI, under dist/. */
export const CLI_BUNDLE_DIR = 'cli';
/** Folders of dist/ whose modules stay outside the bundle. */
const OUTSIDE = ['vendor', 'platforms'];
/** Files the reporters read from beside themselves at run time. */
const BESIDE_REPORTERS = /\.(css|js)$/;

/** Rewrite, in one compiled file, each relative import that leads into an OUTSIDE folder of dist/
 *  to its `#dist/...` name. Returns the new text. */
export function outsideImportsAsSubpaths(code, file, dist) {
  return code.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\2/g, (whole, lead, quote, specifier) => {
    const target = path.relative(dist, path.resolve(path.dirname(file), specifier)).split(path.sep).join('/');
    if (!OUTSIDE.some((dir) => target.startsWith(`${dir}/`))) return whole;
    return `${lead}${quote}#dist/${target}${quote}`;
  });
}

/** `compiledFiles`: the compiled .js files of dist/bench/ (absolute paths). */
export function bundleCli(esbuild, dist, compiledFiles, reporterAssets) {
  for (const file of compiledFiles) {
    const code = readFileSync(file, 'utf8');
    const rewritten = outsideImportsAsSubpaths(code, file, dist);
    if (rewritten !== code) writeFileSync(file, rewritten);
  }
  const outdir = path.join(dist, CLI_BUNDLE_DIR);
  esbuild.buildSync({
    entryPoints: [path.join(dist, 'bench', 'cli.js')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    external: ['#dist/*'],
    chunkNames: 'chunk-[hash]',
    legalComments: 'none',
    logLevel: 'error',
  });
  for (const asset of reporterAssets.filter((file) => BESIDE_REPORTERS.test(file))) copyFileSync(asset, path.join(outdir, path.basename(asset)));
  const escaped = readdirSync(outdir).filter((name) => name.endsWith('.js')).flatMap((name) => {
    const code = readFileSync(path.join(outdir, name), 'utf8');
    return [...code.matchAll(/\bfrom\s*"(\.\.\/[^"]+)"|import\(\s*"(\.\.\/[^"]+)"\s*\)/g)].map((m) => `${name}: ${m[1] ?? m[2]}`);
  });
  if (escaped.length > 0) throw new Error(`bundle-cli: the bundle imports files outside itself by relative path: ${escaped.join(', ')}`);
}
