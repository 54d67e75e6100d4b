// The number formatters every report shares (one copy each): what they print at their edges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { msFromUs, msWithUnit, pValueText, signedPercent } from '../bench/units.js';
import { markdownCell, money, msShort, percentileLabel } from '../bench/reporters/format.js';

test('microseconds print as milliseconds with 3 decimals; nothing for a missing number', () => {
  assert.equal(msFromUs(1_234), '1.234');
  assert.equal(msFromUs(0), '0.000');
  assert.equal(msFromUs(170_250), '170.250');
  for (const missing of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(msFromUs(missing), '');
  assert.equal(msWithUnit(1_500_000), '1500.000 ms');
});

test('changes carry their sign, p-values their precision', () => {
  assert.deepEqual([signedPercent(0), signedPercent(12.34), signedPercent(-4)], ['+0.0', '+12.3', '-4.0']);
  assert.deepEqual([pValueText(0.0004), pValueText(0.001), pValueText(0.05), pValueText(1)], ['<0.001', '0.001', '0.050', '1.000']);
});

test('short milliseconds keep about three significant digits', () => {
  assert.deepEqual([msShort(123_456), msShort(100_000), msShort(12_345), msShort(1_234), msShort(99)], ['123', '100', '12.3', '1.23', '0.10']);
  assert.equal(msShort(null), '–');
});

test('money shows enough digits for tiny per-request prices', () => {
  assert.deepEqual(
    [money(123.456, 'USD'), money(1.5, 'USD'), money(0.05, 'USD'), money(0.0000123, 'EUR'), money(null, 'USD')],
    ['123.46 USD', '1.500 USD', '0.0500 USD', '0.00001230 EUR', 'n/a'],
  );
});

test('positions on the "nines" axis read as percentiles', () => {
  assert.deepEqual([1, 10, 100, 1e3, 1e4, 1e5, 1e6].map(percentileLabel), ['0%', '90%', '99%', '99.9%', '99.99%', '99.999%', 'max']);
  assert.equal(percentileLabel(4), '75%');
});

test('a Markdown cell cannot break its table or inject HTML', () => {
  assert.equal(markdownCell('a|b\nc <i>\\'), 'a\\|b c &lt;i&gt;\\\\');
});
