// The up-front, read-only checks of Google targets (google-problems.ts): each finding names the
// target, what is wrong and the fix; errors stop update-config before the first change, warnings
// are logged. Functions and services here are shaped as the client libraries return them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GcfFunction } from '../bench/adapters/cloud-function-client.js';
import type { RunService } from '../bench/adapters/cloud-run-client.js';
import { audienceProblems, functionProblems, serviceProblems, type CheckedTarget } from '../bench/adapters/google-problems.js';

const target: CheckedTarget = { subject: 'cloud-run target web', strategy: 'update-config', auth: 'id-token', uptimeHeader: true };
const ready: RunService = {
  name: 'projects/p/locations/r/services/web',
  uri: 'https://web-abc-uc.a.run.app',
  urls: ['https://web-123.europe-west1.run.app'],
  terminalCondition: { state: 'CONDITION_SUCCEEDED' },
  traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }],
  template: { scaling: { minInstanceCount: 0 } },
  latestReadyRevision: 'projects/p/locations/r/services/web/revisions/web-00001-abc',
};

test('a ready service with all traffic on the latest revision raises nothing', () => {
  assert.deepEqual(serviceProblems(ready, target), []);
  assert.deepEqual(serviceProblems({ ...ready, terminalCondition: { state: 'CONDITION_FAILED' } }, { ...target, strategy: 'none' }), [], 'only update-config needs these');
});

test('update-config refuses a service that is not ready or whose traffic is pinned; warns of min instances and of no uptime header', () => {
  const [failed] = serviceProblems({ ...ready, terminalCondition: { state: 'CONDITION_FAILED', message: 'image not found' } }, target);
  assert.equal(failed?.severity, 'error');
  assert.match(failed?.message ?? '', /^cloud-run target web: service .*web is not ready \(CONDITION_FAILED: image not found\)/);
  const [pinned] = serviceProblems({ ...ready, traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'web-00001-abc', percent: 100 }] }, target);
  assert.equal(pinned?.severity, 'error');
  assert.match(pinned?.message ?? '', /pinned \(web-00001-abc 100%\).*route 100% to the latest revision/);
  const [min] = serviceProblems({ ...ready, template: { scaling: { minInstanceCount: 2 } } }, target);
  assert.equal(min?.severity, 'warning');
  assert.match(min?.message ?? '', /keeps 2 minimum instance/);
  const [unverified] = serviceProblems(ready, { ...target, uptimeHeader: false });
  assert.equal(unverified?.severity, 'warning');
  assert.match(unverified?.message ?? '', /cold\.instanceUptimeHeader/);
});

test('the ID-token audience must be one the service accepts: its URLs or custom audiences', () => {
  assert.deepEqual(audienceProblems('https://web-abc-uc.a.run.app', ready, target), []);
  assert.deepEqual(audienceProblems('https://web-123.europe-west1.run.app', ready, target), [], 'the deterministic URL too');
  assert.deepEqual(audienceProblems('https://api.example.com', { ...ready, customAudiences: ['https://api.example.com'] }, target), []);
  const [mismatch] = audienceProblems('https://api.example.com', ready, target);
  assert.equal(mismatch?.severity, 'error');
  assert.match(mismatch?.message ?? '', /does not accept ID tokens for https:\/\/api\.example\.com .*custom audiences/);
  const [unknown] = audienceProblems('https://api.example.com', null, target);
  assert.equal(unknown?.severity, 'warning');
  assert.deepEqual(audienceProblems('https://api.example.com', ready, { ...target, auth: 'none' }), [], 'no token, no audience');
});

test('a function must be an ACTIVE HTTP function with a URL; update-config also needs its Cloud Run service', () => {
  const fn: GcfFunction = { name: 'projects/p/locations/r/functions/f', state: 'ACTIVE', serviceConfig: { uri: 'https://f-abc-uc.a.run.app', service: 'projects/p/locations/r/services/f' } };
  const t = { ...target, subject: 'cloud-function target f' };
  assert.deepEqual(functionProblems(fn, t), []);
  const [event] = functionProblems({ ...fn, eventTrigger: { eventType: 'google.cloud.pubsub.topic.v1.messagePublished' } }, t);
  assert.match(event?.message ?? '', /event-triggered \(google\.cloud\.pubsub\.topic\.v1\.messagePublished\), not an HTTP function/);
  assert.equal(functionProblems({ ...fn, state: 'FAILED' }, t)[0]?.severity, 'error');
  assert.equal(functionProblems({ ...fn, state: 2 }, { ...t, strategy: 'idle' })[0]?.severity, 'warning', 'only update-config must have ACTIVE');
  assert.match(functionProblems({ ...fn, serviceConfig: { uri: fn.serviceConfig?.uri ?? null } }, t)[0]?.message ?? '', /names no Cloud Run service/);
});
