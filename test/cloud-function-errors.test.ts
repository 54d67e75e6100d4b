// The Google platform's two forms of everything, as the adapter must read them: errors as HTTP
// status (REST / GaxiosError) or gRPC code (GoogleError), states as names or numbers; plus the
// configuration numbers for cost estimates and the value-free journal undo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GoogleError, Status } from 'google-gax';
import { GaxiosError } from 'gaxios';
import { controlPlaneFailure, isActive, isConflict, isNotFound, reasonOf, stateName } from '../bench/adapters/cloud-function-client.js';
import { environmentDigest, memoryMegabytes, NONCE_VARIABLE, withoutNonce } from '../bench/adapters/cloud-function.js';

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

test('the journal undo rebuilds the original map from the current one, checked by digest', () => {
  const original = { A: '1', B: 'secret' };
  const undo = { nonceKey: NONCE_VARIABLE, originalNonceValue: null, originalDigest: environmentDigest(original) };
  const current = { B: 'secret', [NONCE_VARIABLE]: 'run-3', A: '1' };
  assert.deepEqual(withoutNonce(current, undo), original);
  assert.equal(environmentDigest(withoutNonce(current, undo)), undo.originalDigest, 'key order does not matter');
  assert.notEqual(environmentDigest({ A: '1', B: 'changed' }), undo.originalDigest);
  // A variable of the same name that existed before is set back, not removed.
  const had = { [NONCE_VARIABLE]: 'theirs' };
  assert.deepEqual(withoutNonce({ [NONCE_VARIABLE]: 'ours' }, { nonceKey: NONCE_VARIABLE, originalNonceValue: 'theirs', originalDigest: environmentDigest(had) }), had);
});
