// Resource sizes as the platforms write them: one Kubernetes-quantity parser for pod requests and
// Cloud Functions memory, and the one table of Google's default vCPU per memory size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToMegabytes, bytesToMiB, defaultCpuFor, memoryBytes, parseQuantity } from '../bench/quantity.js';

test('quantities: decimal and binary suffixes, millicores, exponents; anything else is null', () => {
  assert.equal(parseQuantity('250m'), 0.25);
  assert.equal(parseQuantity('2'), 2);
  assert.equal(parseQuantity('128Mi'), 128 * 2 ** 20);
  assert.equal(parseQuantity('1G'), 1e9);
  assert.equal(parseQuantity('1e3'), 1000);
  assert.equal(parseQuantity(3), 3);
  for (const bad of ['lots', '1 GB', '', '1Gb']) assert.equal(parseQuantity(bad), null, bad);
  assert.equal(memoryBytes('0'), null, 'no memory is not a size');
  assert.equal(bytesToMegabytes(memoryBytes('1Gi')!), 1073.742);
  assert.equal(bytesToMiB(memoryBytes('512Mi')!), 512);
});

test("Google's default vCPU per memory tier (Cloud Functions 2nd gen / Cloud Run functions)", () => {
  const cpu = (memory: string) => defaultCpuFor(memoryBytes(memory)!);
  assert.deepEqual(
    ['128Mi', '256Mi', '512Mi', '1Gi', '2Gi', '4Gi', '8Gi', '16Gi', '32Gi'].map(cpu),
    [0.083, 0.167, 0.333, 0.583, 1, 2, 2, 4, 8],
  );
  // Decimal sizes fall in the tier of the binary size they stand for; between tiers, the next one.
  assert.deepEqual(['256M', '1G', '300Mi', '3Gi'].map(cpu), [0.167, 0.583, 0.333, 2]);
});
