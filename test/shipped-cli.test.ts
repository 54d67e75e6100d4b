// The CLI ships as JavaScript: bin/coldbench.js imports the build in dist/, with no TypeScript
// loader (no tsx, no esbuild service process) and, for --help and validate, none of the heavy SDKs
// that only a run needs. A probe loaded in front of the CLI (helpers/module-probe.mjs) records
// every module the process loaded and every child process alive at exit; a control run through
// tsx shows that the probe does see a loader when there is one.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_FILES, DIST, ROOT } from '../scripts/build.mjs';
import { ensureBuilt, runColdbench, type CliRun } from './helpers/cli.js';

const PROBE = fileURLToPath(new URL('./helpers/module-probe.mjs', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-shipped-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Packages that only a run or an export needs: cloud SDKs, the Kubernetes client, the load
 *  generator, the HTTP client, the OpenTelemetry exporter. */
const HEAVY = /node_modules\/(@aws-sdk|@smithy|@google-cloud|google-auth-library|google-gax|gaxios|@kubernetes|autocannon|undici|@opentelemetry|protobufjs)\//;
const LOADER = /node_modules\/(tsx|esbuild|@esbuild)\//;

interface Probe {
  modules: string[];
  children: string[];
  execArgv: string[];
  nodeOptions: string;
}

function readProbe(file: string): Probe {
  const probe: Probe = { modules: [], children: [], execArgv: [], nodeOptions: '' };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const space = line.indexOf(' ');
    const [kind, value] = [line.slice(0, space), line.slice(space + 1)];
    if (kind === 'esm' || kind === 'cjs') probe.modules.push(value.replace(/^file:\/\//, ''));
    else if (kind === 'child') probe.children.push(value);
    else if (kind === 'options') {
      const options = JSON.parse(value) as { execArgv: string[]; NODE_OPTIONS: string };
      probe.execArgv = options.execArgv;
      probe.nodeOptions = options.NODE_OPTIONS;
    }
  }
  assert.ok(probe.modules.length > 0, `the probe recorded nothing in ${file}`);
  return probe;
}

let probes = 0;
async function probed(args: string[]): Promise<{ cli: CliRun; probe: Probe }> {
  const file = path.join(dir, `probe-${++probes}.log`);
  const cli = await runColdbench(args, { cwd: ROOT, nodeArgs: ['--import', PROBE], env: { COLDBENCH_MODULE_PROBE: file } });
  return { cli, probe: readProbe(file) };
}

test('coldbench --help runs the compiled JavaScript: usage, exit 0, no tsx or esbuild loaded, no child process, no heavy SDK', async () => {
  const { cli, probe } = await probed(['--help']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /^Usage: coldbench /m);
  for (const command of ['run', 'validate', 'report', 'compare', 'restore']) assert.match(cli.stdout, new RegExp(`^  ${command}\\b`, 'm'));

  assert.ok(probe.modules.includes(path.join(DIST, 'cli', 'cli.js')), 'the CLI came from dist/cli/ (the bundle)');
  assert.deepEqual(probe.modules.filter((m) => m.endsWith('.ts')), [], 'no TypeScript source was loaded');
  assert.deepEqual(probe.modules.filter((m) => LOADER.test(m)), [], 'no tsx or esbuild module');
  assert.deepEqual(probe.children, [], 'no child process (an esbuild service would be one)');
  assert.deepEqual(probe.execArgv, ['--import', PROBE], 'no loader flag besides the probe');
  assert.doesNotMatch(probe.nodeOptions, /tsx|loader|--import|--require/);
  assert.deepEqual(probe.modules.filter((m) => HEAVY.test(m)), []);
});

test('coldbench validate targets/local.yaml (all six kinds) loads no cloud SDK, Kubernetes client, load generator, HTTP client or exporter', async () => {
  const { cli, probe } = await probed(['validate', 'targets/local.yaml']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /valid \(11 targets: http, lambda, cloud-function, cloud-run, knative, kubernetes\)/);
  assert.deepEqual(probe.modules.filter((m) => HEAVY.test(m)), []);
  assert.deepEqual(probe.modules.filter((m) => LOADER.test(m)), []);
  assert.deepEqual(probe.children, []);
  // The bundle (scripts/bundle-cli.mjs): the CLI's own modules from dist/cli/, none from dist/bench/
  // (which would also mean two copies of a module in one process); zod from dist/vendor/.
  const ours = probe.modules.filter((m) => m.startsWith(DIST + path.sep));
  assert.deepEqual(ours.filter((m) => m.startsWith(path.join(DIST, 'bench') + path.sep)), [], 'no unbundled module of dist/bench/');
  assert.ok(ours.includes(path.join(DIST, 'cli', 'cli.js')), 'the bundle');
  assert.ok(ours.includes(path.join(DIST, 'vendor', 'zod.js')), 'zod from dist/vendor/');
});

test('control: the probe sees tsx, its esbuild module and the esbuild service process when a loader is used', async () => {
  const file = path.join(dir, 'probe-control.log');
  // A TypeScript file run through tsx, its transform cache off so that esbuild really runs.
  const child = spawn(process.execPath, ['--import', PROBE, '--import', 'tsx', 'bench/errors.ts'], {
    cwd: ROOT,
    env: { ...process.env, COLDBENCH_MODULE_PROBE: file, TSX_DISABLE_CACHE: '1' },
    stdio: 'ignore',
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.equal(code, 0);
  const probe = readProbe(file);
  assert.ok(probe.modules.some((m) => /node_modules\/tsx\//.test(m)), 'tsx modules seen');
  assert.ok(probe.modules.some((m) => /node_modules\/esbuild\//.test(m)), 'esbuild module seen');
  assert.ok(probe.children.some((c) => /esbuild/.test(c)), `the esbuild service process seen (children: ${JSON.stringify(probe.children)})`);
});

test('dist/ holds a .js for every TypeScript file and a copy of every other file of bench/ and platforms/', () => {
  ensureBuilt();
  const missing: string[] = [];
  for (const top of ['bench', 'platforms']) {
    for (const entry of readdirSync(path.join(ROOT, top), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const rel = path.relative(ROOT, path.join(entry.parentPath, entry.name));
      const built = path.join(DIST, rel.endsWith('.ts') ? rel.replace(/\.ts$/, '.js') : rel);
      if (!existsSync(built)) missing.push(rel);
      else if (!rel.endsWith('.ts')) assert.equal(readFileSync(built, 'utf8'), readFileSync(path.join(ROOT, rel), 'utf8'), `${rel} copied as is`);
    }
  }
  assert.deepEqual(missing, [], 'sources without a built counterpart');
});

test('a stale build is noticed (a changed source), a missing one too; the bin then says to build, in one line, exit 2', () => {
  ensureBuilt();
  // A copy of the package with its build: same files, so the same digest.
  const copy = path.join(dir, 'package');
  for (const rel of ['bench', 'platforms', 'bin', 'dist', 'targets', 'package.json', ...CONFIG_FILES]) {
    cpSync(path.join(ROOT, rel), path.join(copy, rel), { recursive: true });
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  const check = () => {
    const r = spawnSync(process.execPath, [path.join(copy, 'scripts/build.mjs'), '--check'], { encoding: 'utf8', timeout: 30_000 });
    return { code: r.status, stderr: r.stderr };
  };
  assert.deepEqual(check(), { code: 0, stderr: '' }, 'the copy is current');
  const cliInCopy = (args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(copy, 'bin/coldbench.js'), ...args], { encoding: 'utf8', timeout: 30_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const help = cliInCopy(['--help']);
  assert.equal(help.code, 0, help.stderr);

  writeFileSync(path.join(copy, 'bench/errors.ts'), `${readFileSync(path.join(copy, 'bench/errors.ts'), 'utf8')}\n// changed\n`);
  const stale = check();
  assert.equal(stale.code, 1);
  assert.match(stale.stderr, /dist\/ is stale: run `npm run build`/);

  rmSync(path.join(copy, 'dist'), { recursive: true });
  assert.match((check()).stderr, /dist\/ is missing/);
  const unbuilt = cliInCopy(['--help']);
  assert.equal(unbuilt.code, 2);
  assert.equal(unbuilt.stdout, '');
  assert.match(unbuilt.stderr, /^coldbench: not built yet \(dist\/cli\/cli\.js is missing\): run `npm ci` or `npm run build` first\n$/);
});
