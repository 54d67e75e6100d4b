// deploy/Dockerfile cannot be built here (no Docker engine): it is checked by reading. It copies
// only what exists, installs the published package (npm pack) with run-time dependencies only, and
// starts the way a Kubernetes origin's Job expects: the entrypoint and working directory the local
// platform's harness image models, as the user the Job's securityContext names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { harnessImage } from '../platforms/kubernetes/container-runtime.js';
import { kubernetesResources } from '../bench/origins/kubernetes-manifests.js';

const text = readFileSync('deploy/Dockerfile', 'utf8');
const instructions = text
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((l) => l.trim() && !l.trim().startsWith('#'));
const stages = instructions.join('\n').split(/^FROM /m).slice(1);

test('two stages from node:20, the second copying the packed package from the first', () => {
  assert.equal(stages.length, 2);
  assert.match(stages[0]!, /^node:20-slim AS build/);
  assert.match(stages[1]!, /^node:20-slim\n/);
  assert.match(stages[0]!, /^RUN npm ci$/m, 'the build stage builds dist/ (prepare)');
  assert.match(stages[0]!, /npm pack --ignore-scripts/);
  assert.match(stages[1]!, /^COPY --from=build \/pkg\/ \.\/$/m);
  assert.match(stages[1]!, /^RUN npm ci --omit=dev --ignore-scripts/m, 'run-time dependencies only, no install scripts');
});

test('every COPY of the build stage names something in the repository, and the package ships what the image runs', () => {
  for (const line of stages[0]!.split('\n').filter((l) => l.startsWith('COPY ') && !l.includes('--from'))) {
    const sources = line.split(/\s+/).slice(1, -1);
    for (const source of sources) assert.ok(existsSync(source), `${source} exists`);
  }
  const files = (JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[] }).files;
  for (const needed of ['bin', 'dist', 'targets']) assert.ok(files.includes(needed), `package.json files includes ${needed}`);
});

test("it starts as the Job and the local platform's harness image expect", () => {
  const runtime = stages[1]!;
  const image = harnessImage();
  assert.match(runtime, new RegExp(`^WORKDIR ${image.workingDir}$`, 'm'));
  assert.match(runtime, new RegExp(`^ENTRYPOINT ${JSON.stringify(image.entrypoint).replace(/[[\]]/g, '\\$&').replace(/,/g, ', ')}$`, 'm'));
  const { objects } = kubernetesResources('o', { namespace: 'n', image: 'i', serviceAccountAnnotations: {}, cpu: '1', memory: '1Gi', ttlMs: 1000 }, { runId: 'r', shipped: { text: 'targets: []', variables: {} }, targets: [] });
  const job = objects.find((o) => o.kind === 'Job');
  assert.ok(job?.kind === 'Job');
  const uid = job.body.spec!.template.spec!.securityContext!.runAsUser;
  assert.match(runtime, new RegExp(`^USER ${uid}$`, 'm'));
  assert.ok(existsSync(path.join('deploy', 'Dockerfile.dockerignore')), 'a context without node_modules, dist or reports');
});
