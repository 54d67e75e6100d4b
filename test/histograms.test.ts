import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistogram, decodeHistogram, histogramOf, mergeHistograms } from '../bench/histograms.js';

test('summary maths on exact inputs (integer microseconds)', () => {
  // 1..100 ms: p50 = 50 ms, p90 = 90 ms, p99 = 99 ms; mean 50.5 ms.
  const h = histogramOf(Array.from({ length: 100 }, (_, i) => (i + 1) * 1000));
  const s = h.summary(3);
  assert.equal(s.count, 100);
  assert.equal(s.errors, 3);
  assert.equal(s.minUs, 1000);
  // 3 significant digits: values are exact to within 0.1 %.
  const near = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) <= expected * 0.001, `${actual} vs ${expected}`);
  near(s.p50Us, 50_000);
  near(s.p90Us, 90_000);
  near(s.p95Us, 95_000);
  near(s.p99Us, 99_000);
  near(s.p999Us, 100_000);
  near(s.maxUs, 100_000);
  near(s.meanUs, 50_500);
  near(s.stddevUs, 28_866); // population standard deviation of 1..100 ms
});

test('small values are exact, zero is a real minimum, fractions are rounded', () => {
  const s = histogramOf([0, 1, 2, 2.6, 999]).summary();
  assert.equal(s.minUs, 0);
  assert.equal(s.p50Us, 2);
  assert.equal(s.p90Us, 999);
  assert.equal(s.maxUs, 999);
  assert.equal(histogramOf([2.6]).summary().maxUs, 3);
});

test('an empty histogram summarises to zeros', () => {
  const s = createHistogram().summary();
  assert.deepEqual(s, { count: 0, errors: 0, minUs: 0, p50Us: 0, p90Us: 0, p95Us: 0, p99Us: 0, p999Us: 0, maxUs: 0, meanUs: 0, stddevUs: 0 });
});

test('encode/decode round trip keeps the distribution and its summary', () => {
  const values = Array.from({ length: 5000 }, (_, i) => 200 + ((i * 7919) % 150_000));
  const h = histogramOf(values);
  const decoded = decodeHistogram(h.encode());
  assert.deepEqual(decoded.summary(), h.summary());
  assert.equal(decoded.count, 5000);
  assert.match(h.encode(), /^[A-Za-z0-9+/]+=*$/, 'compressed base64');
});

test('merging histograms is exact: adding two equals recording all', () => {
  const a = histogramOf([1000, 2000, 3000]);
  const b = histogramOf([4000, 150_000]);
  const merged = mergeHistograms([decodeHistogram(a.encode()), decodeHistogram(b.encode())]);
  assert.deepEqual(merged.summary(), histogramOf([1000, 2000, 3000, 4000, 150_000]).summary());
});

test('a corrupt histogram string is refused', () => {
  assert.throws(() => decodeHistogram('not a histogram'));
});

test('the distribution for charts is monotonic and ends at the maximum', () => {
  const h = histogramOf(Array.from({ length: 1000 }, (_, i) => i * 10));
  const points = h.distribution();
  assert.ok(points.length > 50);
  for (let i = 1; i < points.length; i++) {
    assert.ok(points[i]![0] >= points[i - 1]![0]);
    assert.ok(points[i]![1] >= points[i - 1]![1]);
  }
  assert.deepEqual(points.at(-1), [100, h.summary().maxUs]);
});
