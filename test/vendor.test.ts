// The shipped CLI takes its heaviest libraries (zod, the Kubernetes client, commander) from
// dist/vendor: one bundled file each and V8's code cache of it, written by scripts/vendor.mjs during
// the build. Each must export all of its package (zod: every member of z that dist/ names), be used
// everywhere in dist/, and come with a cache this Node accepts (else the start-up gain is silently
// gone).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { DIST, ROOT } from '../scripts/build.mjs';
import { namespaceMembers, VENDORED } from '../scripts/vendor.mjs';
import { ensureBuilt } from './helpers/cli.js';

const VENDOR = path.join(DIST, 'vendor');

/** Run an ES module script in a plain node process, as the CLI runs (the test runner's loader
 *  handles ES modules its own way), and parse the JSON it prints. */
function inNode<T>(script: string): T {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as T;
}

const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []));
const compiledFiles = () => [...walk(path.join(DIST, 'bench')), ...walk(path.join(DIST, 'platforms'))];

test('each vendored file exports every name its package exports; zod every member of z that dist/ names, and no more', () => {
  ensureBuilt();
  assert.deepEqual(VENDORED.map((v) => v.packageName), ['zod', '@kubernetes/client-node', 'commander', 'js-yaml']);
  const used = namespaceMembers('zod', 'z', compiledFiles());
  assert.ok(used.includes('strictObject') && used.includes('string') && used.includes('discriminatedUnion'), used.join(' '));
  const zod = inNode<{ vendored: Record<string, string>; real: Record<string, string> }>(`
    const real = await import('zod');
    const vendored = await import(${JSON.stringify(pathToFileURL(path.join(VENDOR, 'zod.js')).href)});
    const kinds = (z) => Object.fromEntries(Object.keys(z).sort().map((k) => [k, typeof z[k]]));
    console.log(JSON.stringify({ vendored: kinds(vendored.z), real: kinds(real.z) }));`);
  assert.deepEqual(Object.keys(zod.vendored), used);
  for (const member of used) assert.equal(zod.vendored[member], zod.real[member], `z.${member}`);
  for (const { name, packageName, onlyNamespace } of VENDORED) {
    if (onlyNamespace) continue;
    const out = inNode<{ real: string[]; vendored: string[] }>(`
      const real = await import(${JSON.stringify(packageName)});
      const vendored = await import(${JSON.stringify(pathToFileURL(path.join(VENDOR, `${name}.js`)).href)});
      console.log(JSON.stringify({ real: Object.keys(real).filter((k) => k !== 'default').sort(), vendored: Object.keys(vendored).filter((k) => k !== 'default').sort() }));`);
    assert.ok(out.real.length > (packageName === '@kubernetes/client-node' ? 100 : 5), packageName);
    assert.deepEqual(out.vendored, out.real, packageName);
  }
});

test('the vendored zod parses as zod does; the vendored Kubernetes client reads a kubeconfig and builds its API clients', () => {
  ensureBuilt();
  const zod = pathToFileURL(path.join(VENDOR, 'zod.js')).href;
  const kube = pathToFileURL(path.join(VENDOR, 'kubernetes-client.js')).href;
  const out = inNode<{ sameDefault: boolean; parsed: unknown; codes: string[]; server: string; api: boolean; patch: string }>(`
    const zod = await import(${JSON.stringify(zod)});
    const schema = zod.z.object({ a: zod.z.number().int().min(1) }).strict();
    const failed = schema.safeParse({ a: 0, b: 1 });
    const k8s = await import(${JSON.stringify(kube)});
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 'c', server: 'http://127.0.0.1:1' }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
    console.log(JSON.stringify({
      sameDefault: zod.default === zod.z, parsed: schema.parse({ a: 2 }), codes: failed.error.issues.map((i) => i.code).sort(),
      server: kc.getCurrentCluster().server, api: typeof kc.makeApiClient(k8s.AppsV1Api).readNamespacedDeployment === 'function',
      patch: k8s.PatchStrategy.MergePatch,
    }));`);
  assert.equal(out.sameDefault, true);
  assert.deepEqual(out.parsed, { a: 2 });
  assert.deepEqual(out.codes, ['too_small', 'unrecognized_keys']);
  assert.equal(out.server, 'http://127.0.0.1:1');
  assert.equal(out.api, true);
  assert.equal(out.patch, 'application/merge-patch+json');
});

test('namespaceMembers: the members named, from the package or a module re-exporting it; any other use of the package refused', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-vendor-'));
  try {
    const file = (name: string, code: string) => {
      writeFileSync(path.join(dir, name), code);
      return path.join(dir, name);
    };
    const direct = file('a.js', "import { z } from 'zod';\nexport const s = z.object({ a: z.string() });\n");
    const reexported = file('b.js', "import { readFileSync } from 'node:fs';\nimport { z } from '../zod.js';\nconst schema = z.strictObject({ n: z.int() }).or(x.z.array);\n");
    const unrelated = file('c.js', 'const z = { tuple: 1 };\nexport default z.tuple;\n');
    assert.deepEqual(namespaceMembers('zod', 'z', [direct, reexported, unrelated]), ['int', 'object', 'strictObject', 'string']);
    assert.throws(() => namespaceMembers('zod', 'z', [file('d.js', "import * as zz from 'zod';\n")]), /d\.js uses zod as `import \* as zz from 'zod'`/);
    assert.throws(() => namespaceMembers('zod', 'z', [file('e.js', "import { z, ZodError } from 'zod';\n")]), /e\.js uses zod/);
    assert.throws(() => namespaceMembers('zod', 'z', [file('f.js', "const m = await import('zod');\n")]), /f\.js uses zod/);
    assert.throws(() => namespaceMembers('zod', 'z', [file('g.js', "import { z } from './zod.js';\nconst make = z[kind];\n")]), /g\.js indexes z\[\.\.\.\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the vendored commander loads node:child_process only when a subcommand needs it', () => {
  ensureBuilt();
  const out = inNode<{ before: boolean; after: boolean; spawn: string }>(`
    const loaded = () => process.moduleLoadList.some((m) => m === 'NativeModule child_process');
    const commander = await import(${JSON.stringify(pathToFileURL(path.join(VENDOR, 'commander.js')).href)});
    const program = new commander.Command('x').exitOverride();
    program.command('y').action(() => {});
    await program.parseAsync(['node', 'x', 'y']);
    const before = loaded();
    const { spawn } = await import('node:child_process');
    console.log(JSON.stringify({ before, after: loaded(), spawn: typeof spawn }));`);
  assert.equal(out.before, false, 'parsing and running a command did not load node:child_process');
  assert.equal(out.after, true, 'the check sees the module once it is loaded');
});

test('V8 accepts the code cache built with each bundle', () => {
  ensureBuilt();
  for (const { name } of VENDORED) {
    const filename = path.join(VENDOR, `${name}.cjs`);
    const script = new Script(`(function (exports, require, module) {${readFileSync(filename, 'utf8')}\n})`, { filename, cachedData: readFileSync(`${filename}.cache`) });
    assert.equal(script.cachedDataRejected, false, name);
  }
});

test('no compiled file imports a vendored package itself', () => {
  ensureBuilt();
  const files = compiledFiles();
  for (const { packageName } of VENDORED) {
    const direct = files.filter((file) => readFileSync(file, 'utf8').includes(` from '${packageName}'`));
    assert.deepEqual(direct, [], packageName);
  }
  // Through package.json's "imports" (scripts/bundle-cli.mjs), the same from every folder.
  assert.match(readFileSync(path.join(DIST, 'bench', 'zod.js'), 'utf8'), /from '#dist\/vendor\/zod\.js'/);
  assert.match(readFileSync(path.join(DIST, 'bench', 'adapters', 'kube-watch.js'), 'utf8'), /from '#dist\/vendor\/kubernetes-client\.js'/);
});
