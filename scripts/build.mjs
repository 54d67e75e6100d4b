// The build: compiles bench/ and platforms/ with tsc (TypeScript 7, native) into dist/, copies the
// files the compiled code reads or spawns at run time (platforms' *.mjs, the HTML report's client
// script and styles: every non-TypeScript file of those folders) beside it, bundles the Lambda
// origin's handler into dist/origin-lambda/index.mjs, vendors the heaviest packages (vendor.mjs),
// bundles the CLI into dist/cli/ (bundle-cli.mjs), and records a digest of its inputs in
// dist/build-info.json so that a stale build is noticed.
//
//   node scripts/build.mjs              build (npm run build, and `prepare` during npm ci)
//   node scripts/build.mjs --if-stale   build only when the sources changed since the last build
//   node scripts/build.mjs --check      exit 0 when dist/ is current, 1 when missing or stale
//
// Plain JavaScript on purpose: it runs during `npm ci` and before `npm run bench`, with no loader.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCli } from './bundle-cli.mjs';
import { vendorPackages } from './vendor.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
const SOURCE_DIRS = ['bench', 'platforms'];
/** Files besides the sources whose change changes the build. */
export const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'scripts/build.mjs', 'scripts/vendor.mjs', 'scripts/bundle-cli.mjs'];
const INFO_FILE = path.join(DIST, 'build-info.json');

/** Every file under `dir`, as paths relative to ROOT with forward slashes, sorted. */
function filesUnder(dir) {
  const out = [];
  const walk = (rel) => {
    for (const entry of readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

/** Digest of everything the build reads: file names and contents (not times, which a checkout
 *  or a copy changes). */
export function sourceDigest() {
  const hash = createHash('sha256');
  for (const file of [...SOURCE_DIRS.flatMap(filesUnder), ...CONFIG_FILES]) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(ROOT, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** 'missing' (never built), 'stale' (sources changed since) or 'current'. */
export function buildState() {
  if (!existsSync(INFO_FILE)) return 'missing';
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(INFO_FILE, 'utf8')).digest;
  } catch {
    return 'stale';
  }
  return recorded === sourceDigest() ? 'current' : 'stale';
}

/** A clean build. Throws with tsc's output when compilation fails. */
export function build() {
  const digest = sourceDigest(); // before compiling: an edit made during the build leaves it stale
  rmSync(DIST, { recursive: true, force: true });
  const require = createRequire(import.meta.url);
  let typescript;
  try {
    typescript = path.dirname(require.resolve('typescript/package.json'));
  } catch {
    throw new Error('TypeScript (a dev dependency) is not installed: run `npm ci` without --omit=dev');
  }
  const tsc = path.join(typescript, 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`tsc failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`.trimEnd());
  }
  let assets = 0;
  for (const file of SOURCE_DIRS.flatMap(filesUnder)) {
    if (file.endsWith('.ts')) continue;
    mkdirSync(path.dirname(path.join(DIST, file)), { recursive: true });
    copyFileSync(path.join(ROOT, file), path.join(DIST, file));
    assets += 1;
  }
  const esbuild = loadEsbuild(require);
  bundleLambdaOrigin(esbuild);
  const compiled = SOURCE_DIRS.flatMap((dir) => filesUnder(`dist/${dir}`)).filter((file) => file.endsWith('.js')).map((file) => path.join(ROOT, file));
  vendorPackages(esbuild, DIST, compiled);
  const reporterAssets = filesUnder('bench/reporters').filter((file) => !file.endsWith('.ts')).map((file) => path.join(ROOT, file));
  bundleCli(esbuild, DIST, compiled.filter((file) => file.startsWith(path.join(DIST, 'bench') + path.sep)), reporterAssets);
  writeFileSync(INFO_FILE, `${JSON.stringify({ digest, builtAt: new Date().toISOString() })}\n`);
  return { assets };
}

/** Where the Lambda origin's handler is bundled (one file, shipped in the package). */
export const LAMBDA_ORIGIN_BUNDLE = path.join(DIST, 'origin-lambda', 'index.mjs');

/** Packages a Lambda origin never loads (the targets that need them are refused up front:
 *  Kubernetes, Knative, Cloud Functions): a stub stands in for them. */
const NOT_IN_LAMBDA = ['@kubernetes/client-node', '@google-cloud/functions', '@google-cloud/run', 'google-auth-library'];
/** Imports left as they are: the local platforms (loaded only for `emulators:`, which a remote
 *  origin's file never has). */
const LEFT_OUT = ['../platforms/registry.js'];

/** esbuild, a dev dependency: users get its bundles in the package and need no esbuild. */
function loadEsbuild(require) {
  try {
    return require('esbuild');
  } catch {
    throw new Error('esbuild (a dev dependency) is not installed: run `npm ci` without --omit=dev');
  }
}

/** The Lambda origin's handler and everything it imports, bundled from the compiled dist/. */
function bundleLambdaOrigin(esbuild) {
  const { metafile } = esbuild.buildSync({
    metafile: true,
    entryPoints: [path.join(DIST, 'bench', 'origins', 'lambda-handler.js')],
    outfile: LAMBDA_ORIGIN_BUNDLE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    legalComments: 'eof',
    external: LEFT_OUT,
    alias: Object.fromEntries(NOT_IN_LAMBDA.map((name) => [name, path.join(ROOT, 'scripts', 'lambda-origin-stub.cjs')])),
    // CommonJS dependencies call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __coldbenchRequire } from 'node:module'; const require = __coldbenchRequire(import.meta.url);" },
    logLevel: 'error',
  });
  // The function has node's built-ins and this one file: any other import would fail there.
  const output = Object.values(metafile.outputs)[0];
  const outside = output.imports.filter((i) => i.external && !isBuiltin(i.path) && !i.path.startsWith('node:') && !LEFT_OUT.includes(i.path)).map((i) => i.path);
  if (outside.length > 0) throw new Error(`the Lambda origin bundle imports ${[...new Set(outside)].join(', ')}, which the function will not have: bundle it or add it to NOT_IN_LAMBDA in scripts/build.mjs`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const mode = process.argv[2];
  if (mode !== undefined && mode !== '--if-stale' && mode !== '--check') {
    process.stderr.write(`build: unknown argument "${mode}" (usage: node scripts/build.mjs [--if-stale | --check])\n`);
    process.exit(2);
  }
  const state = buildState();
  if (mode === '--check') {
    if (state !== 'current') process.stderr.write(`build: dist/ is ${state}: run \`npm run build\`\n`);
    process.exit(state === 'current' ? 0 : 1);
  }
  if (mode === '--if-stale' && state === 'current') process.exit(0);
  const started = performance.now();
  try {
    const { assets } = build();
    process.stderr.write(`build: dist/ compiled from bench/ and platforms/ (+${assets} assets) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (err) {
    process.stderr.write(`build: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
