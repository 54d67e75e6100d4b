import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from '../bench/config/duration.js';

test('durations in ms, s, m, h and bare milliseconds', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration(250), 250);
  assert.equal(parseDuration(' 10s '), 10_000);
});

test('bad durations name the value', () => {
  assert.throws(() => parseDuration('-5s'), /got "-5s"/);
  assert.throws(() => parseDuration('5 minutes'), /500ms, 30s, 2m/);
  assert.throws(() => parseDuration('10'), /got "10"/);
  assert.throws(() => parseDuration(-1), /non-negative/);
  assert.throws(() => parseDuration(Number.NaN), /non-negative/);
});
