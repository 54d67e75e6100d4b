// The Google platform's two forms of everything, as the adapters must read them: errors as HTTP
// status (REST / GaxiosError, or the JSON error body as message) or gRPC code (GoogleError), states
// as names or numbers; plus the configuration numbers for cost estimates and the value-free
// journal undo of a revision change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GoogleError, Status } from 'google-gax';
import { GaxiosError } from 'gaxios';
import { controlPlaneFailure, isActive, isConflict, isNotFound, reasonOf, stateName } from '../bench/adapters/cloud-function-client.js';
import { memoryMegabytes } from '../bench/adapters/cloud-function.js';
import { environmentDigest, withoutNonce } from '../bench/adapters/cloud-function-journal.js';
import { canonical, conditionState, deploymentProblem, templateDigest, type RunService, type RunTemplate } from '../bench/adapters/cloud-run-client.js';
import { COLD_START_ANNOTATION, withColdStartAnnotation, withoutColdStartAnnotation } from '../bench/adapters/cloud-run-revisions.js';
import { isRevisionNameTaken } from '../bench/adapters/google-errors.js';

function grpcError(code: Status, message: string): GoogleError {
  const err = new GoogleError(message);
  err.code = code;
  return err;
}

function restError(status: number, body: unknown): GaxiosError {
  const text = JSON.stringify(body);
  const response = new Response(text, { status });
  return new GaxiosError(text, { url: new URL('http://127.0.0.1/v2/x'), headers: new Headers() }, Object.assign(response, { config: {} as never, data: body }) as never);
}

test('not found and conflict are recognised in both error forms', () => {
  assert.equal(isNotFound(grpcError(Status.NOT_FOUND, 'Function x does not exist')), true);
  assert.equal(isNotFound(restError(404, { error: { code: 404, message: 'nope', status: 'NOT_FOUND' } })), true);
  assert.equal(isNotFound(grpcError(Status.PERMISSION_DENIED, 'denied')), false);
  assert.equal(isNotFound(restError(403, { error: { code: 403, message: 'denied' } })), false);
  assert.equal(isConflict(grpcError(Status.ABORTED, 'busy')), true);
  assert.equal(isConflict(restError(409, { error: { code: 409, message: 'busy' } })), true);
  assert.equal(isConflict(restError(400, { error: { code: 400, message: 'bad' } })), false);
});

test("Cloud Run's two 409s: an operation in progress is retried, a revision name taken is not", () => {
  const taken = new Error(JSON.stringify({ error: { code: 409, message: "Revision named 'web-00001-abc' with different configuration already exists.", status: 'ALREADY_EXISTS' } }));
  Object.assign(taken, { code: 409 });
  const busy = new Error(JSON.stringify({ error: { code: 409, message: 'operation in progress', status: 'ABORTED' } }));
  Object.assign(busy, { code: 409 });
  assert.equal(isConflict(busy), true);
  assert.equal(isRevisionNameTaken(busy), false);
  assert.equal(isConflict(taken), false);
  assert.equal(isRevisionNameTaken(taken), true);
  assert.equal(reasonOf(taken), "Revision named 'web-00001-abc' with different configuration already exists.");
});

test("the platform's reason is one line: the message inside a REST error body", () => {
  assert.equal(reasonOf(restError(404, { error: { code: 404, message: "Resource 'projects/p/locations/r/functions/f' was not found", status: 'NOT_FOUND' } })), "Resource 'projects/p/locations/r/functions/f' was not found");
  const failure = controlPlaneFailure('t1', 'reading function f', grpcError(Status.NOT_FOUND, 'Function f does not exist\nmore'));
  assert.equal(failure.message, 'cloud-function target t1: reading function f failed (not found: check project, region and function): Function f does not exist');
});

test("states read the same as names ('ACTIVE') and as numbers (1)", () => {
  assert.equal(isActive('ACTIVE'), true);
  assert.equal(isActive(1), true);
  assert.equal(isActive('DEPLOYING'), false);
  assert.equal(isActive(3), false);
  assert.equal(stateName(2), 'FAILED');
  assert.equal(stateName(undefined), 'STATE_UNSPECIFIED');
});

test('memory strings become megabytes for cost estimates', () => {
  assert.equal(memoryMegabytes('256M'), 256);
  assert.equal(memoryMegabytes('1G'), 1000);
  assert.equal(memoryMegabytes('1Gi'), 1073.742);
  assert.equal(memoryMegabytes('512Mi'), 536.871);
  assert.equal(memoryMegabytes('lots'), null);
  assert.equal(memoryMegabytes(undefined), null);
});

test('a legacy journal undo rebuilds the original variables from the current ones, checked by digest', () => {
  const original = { A: '1', B: 'secret' };
  const undo = { nonceKey: 'COLDBENCH_COLD_START', originalNonceValue: null, originalDigest: environmentDigest(original) };
  assert.deepEqual(withoutNonce({ B: 'secret', COLDBENCH_COLD_START: 'run-3', A: '1' }, undo), original);
});

test('a revision change is undone from the current template: our annotation out, the original name back, equal by digest', () => {
  // As the client decodes a template: every default present, 64-bit numbers as text or Long.
  const original: RunTemplate = { revision: 'fn-00001-abc', annotations: { team: 'a' }, containers: [{ image: 'img', env: [], args: [] }], timeout: { seconds: '60', nanos: 0 }, executionEnvironment: 'EXECUTION_ENVIRONMENT_UNSPECIFIED' };
  const changed = withColdStartAnnotation(original, 'run-1');
  assert.equal(changed.revision, '', 'the revision name is cleared so Cloud Run names the new one');
  assert.equal(changed.annotations?.[COLD_START_ANNOTATION], 'run-1');
  assert.notEqual(templateDigest(changed), templateDigest(original));
  const undo = { annotation: COLD_START_ANNOTATION, originalValue: null, originalRevision: 'fn-00001-abc', originalDigest: templateDigest(original) };
  const restored = withoutColdStartAnnotation(changed, undo);
  assert.equal(templateDigest(restored), undo.originalDigest);
  assert.deepEqual(canonical({ a: '', b: [], c: { d: 0 }, e: 'x', f: 'STATE_UNSPECIFIED' }), { e: 'x' }, 'defaults are what proto3 JSON leaves out');
  // An annotation of the same name that existed before is set back, not removed.
  const had: RunTemplate = { ...original, annotations: { [COLD_START_ANNOTATION]: 'theirs' } };
  const back = withoutColdStartAnnotation(withColdStartAnnotation(had, 'ours'), { ...undo, originalValue: 'theirs', originalDigest: templateDigest(had) });
  assert.equal(templateDigest(back), templateDigest(had));
});

test('a deployment has settled only when ready, not reconciling, and serving its latest created revision', () => {
  const base: RunService = { terminalCondition: { state: 'CONDITION_SUCCEEDED' }, reconciling: false, latestReadyRevision: 'p/revisions/web-2', latestCreatedRevision: 'p/revisions/web-2' };
  assert.equal(deploymentProblem(base), null);
  assert.match(deploymentProblem({ ...base, reconciling: true }) ?? '', /reconciling/);
  assert.match(deploymentProblem({ ...base, generation: '4', observedGeneration: '3' }) ?? '', /observed generation 3 of 4/);
  assert.equal(deploymentProblem({ ...base, generation: '4', observedGeneration: '4' }), null);
  assert.match(deploymentProblem({ ...base, latestReadyRevision: 'p/revisions/web-1' }) ?? '', /web-1.*web-2/);
  assert.match(deploymentProblem({ ...base, terminalCondition: { state: 3, message: 'container failed' } }) ?? '', /failed: container failed/);
  assert.equal(deploymentProblem({ ...base, latestCreatedRevision: 'p/revisions/web-3', latestReadyRevision: 'p/revisions/web-1' }, 'web-1'), null, 'a named revision that serves again');
  assert.equal(conditionState(4), 'CONDITION_SUCCEEDED');
});
