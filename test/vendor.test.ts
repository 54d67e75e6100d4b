// The shipped CLI takes its heaviest libraries (zod, the Kubernetes client) from dist/vendor: one
// bundled file each and V8's code cache of it, written by scripts/vendor.mjs during the build. Each
// must export all of its package, be used everywhere in dist/, and come with a cache this Node
// accepts (else the start-up gain is silently gone).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { DIST, ROOT } from '../scripts/build.mjs';
import { VENDORED } from '../scripts/vendor.mjs';
import { ensureBuilt } from './helpers/cli.js';

const VENDOR = path.join(DIST, 'vendor');

/** Run an ES module script in a plain node process, as the CLI runs (the test runner's loader
 *  handles ES modules its own way), and parse the JSON it prints. */
function inNode<T>(script: string): T {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as T;
}

test('each vendored file exports every name its package exports', () => {
  ensureBuilt();
  assert.deepEqual(VENDORED.map((v) => v.packageName), ['zod', '@kubernetes/client-node']);
  for (const { name, packageName } of VENDORED) {
    const out = inNode<{ real: string[]; vendored: string[] }>(`
      const real = await import(${JSON.stringify(packageName)});
      const vendored = await import(${JSON.stringify(pathToFileURL(path.join(VENDOR, `${name}.js`)).href)});
      console.log(JSON.stringify({ real: Object.keys(real).filter((k) => k !== 'default').sort(), vendored: Object.keys(vendored).filter((k) => k !== 'default').sort() }));`);
    assert.ok(out.real.length > 100, packageName);
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
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []));
  const files = [...walk(path.join(DIST, 'bench')), ...walk(path.join(DIST, 'platforms'))];
  for (const { packageName } of VENDORED) {
    const direct = files.filter((file) => readFileSync(file, 'utf8').includes(` from '${packageName}'`));
    assert.deepEqual(direct, [], packageName);
  }
  assert.match(readFileSync(path.join(DIST, 'bench', 'zod.js'), 'utf8'), /from '\.\.?\/vendor\/zod\.js'|from '\.\/\.\.\/vendor\/zod\.js'/);
  assert.match(readFileSync(path.join(DIST, 'bench', 'adapters', 'kube-watch.js'), 'utf8'), /from '\.\.\/\.\.\/vendor\/kubernetes-client\.js'/);
});
