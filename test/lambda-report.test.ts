// The REPORT-line parser on lines in the formats Lambda really writes: text (cold, warm, SnapStart,
// timeout), JSON platform.report, and LogResult tails whose first line was cut at 4 KB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLogResult, isColdReport, parseReport } from '../bench/adapters/lambda-report.js';

const ID = 'c6af9ac6-7b61-11e6-9a41-93e812345678';
const COLD = `REPORT RequestId: ${ID}\tDuration: 8.40 ms\tBilled Duration: 179 ms\tMemory Size: 128 MB\tMax Memory Used: 66 MB\tInit Duration: 170.13 ms\t`;
const WARM = `REPORT RequestId: ${ID}\tDuration: 1.52 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\t`;
const SNAPSTART = `REPORT RequestId: ${ID}\tDuration: 12.34 ms\tBilled Duration: 200 ms\tMemory Size: 512 MB\tMax Memory Used: 101 MB\tRestore Duration: 310.52 ms\tBilled Restore Duration: 187 ms\t`;

test('a cold text REPORT line gives every field and Init Duration', () => {
  const log = `START RequestId: ${ID} Version: $LATEST\nEND RequestId: ${ID}\n${COLD}\n`;
  const report = parseReport(log);
  assert.deepEqual(report, {
    requestId: ID,
    durationMs: 8.4,
    billedDurationMs: 179,
    memorySizeMb: 128,
    maxMemoryUsedMb: 66,
    initDurationMs: 170.13,
    restoreDurationMs: null,
    billedRestoreDurationMs: null,
    status: null,
  });
  assert.equal(isColdReport(report!), true);
});

test('a warm REPORT line has no Init Duration and is not cold', () => {
  const report = parseReport(`${WARM}\n`);
  assert.equal(report?.durationMs, 1.52);
  assert.equal(report?.billedDurationMs, 2);
  assert.equal(report?.initDurationMs, null);
  assert.equal(isColdReport(report!), false);
});

test('SnapStart: Restore Duration counts as cold and Billed Restore Duration is kept apart', () => {
  const report = parseReport(SNAPSTART);
  assert.equal(report?.restoreDurationMs, 310.52);
  assert.equal(report?.billedRestoreDurationMs, 187);
  assert.equal(report?.billedDurationMs, 200);
  assert.equal(report?.durationMs, 12.34);
  assert.equal(report?.initDurationMs, null);
  assert.equal(isColdReport(report!), true);
});

test('JSON log format: the platform.report record, floats included', () => {
  const record = {
    time: '2024-05-01T10:00:00.000Z',
    type: 'platform.report',
    record: {
      requestId: ID,
      metrics: { durationMs: 2.52, billedDurationMs: 167.0, memorySizeMB: 128, maxMemoryUsedMB: 68.0, initDurationMs: 163.87 },
      status: 'success',
    },
  };
  const log = [JSON.stringify({ time: record.time, type: 'platform.start', record: { requestId: ID, version: '$LATEST' } }), JSON.stringify(record)].join('\n');
  const report = parseReport(log);
  assert.equal(report?.durationMs, 2.52);
  assert.equal(report?.billedDurationMs, 167);
  assert.equal(report?.memorySizeMb, 128);
  assert.equal(report?.maxMemoryUsedMb, 68);
  assert.equal(report?.initDurationMs, 163.87);
  assert.equal(report?.status, null);
  assert.equal(isColdReport(report!), true);
});

test('a 4 KB tail whose first line was cut (text and JSON) still yields the last REPORT', () => {
  const noise = 'x'.repeat(5000);
  const full = Buffer.from(`START RequestId: ${ID} Version: $LATEST\n2024-05-01T10:00:00.000Z\t${ID}\tINFO\t${noise}\nEND RequestId: ${ID}\n${COLD}\n`);
  const tail = full.subarray(full.length - 4096).toString('base64'); // exactly what X-Amz-Log-Result carries
  const text = decodeLogResult(tail);
  assert.ok(!text.startsWith('START'), 'the fixture must really be cut');
  assert.equal(parseReport(text)?.initDurationMs, 170.13);

  const jsonLine = JSON.stringify({ type: 'platform.report', record: { requestId: ID, metrics: { durationMs: 3, initDurationMs: 99.5 } } });
  const cutJson = `ssage":"${noise.slice(0, 100)}"}\n${jsonLine}\n`;
  assert.equal(parseReport(cutJson)?.initDurationMs, 99.5);
});

test('a REPORT line whose tabs became spaces, followed by an XRAY line, still parses', () => {
  const spaced = COLD.replaceAll('\t', ' ');
  const report = parseReport(`${spaced}\nXRAY TraceId: 1-5e6f-abc\tSegmentId: 0a1b\tSampled: true\n`);
  assert.equal(report?.durationMs, 8.4, 'Duration must not be read from "Billed Duration" or "Init Duration"');
  assert.equal(report?.billedDurationMs, 179);
  assert.equal(report?.initDurationMs, 170.13);
});

test('a timed-out invocation reports its status', () => {
  const report = parseReport(`REPORT RequestId: ${ID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tStatus: timeout\n`);
  assert.equal(report?.status, 'timeout');
  assert.equal(report?.durationMs, 3000);
});

test('no REPORT record (or only an INIT_REPORT) gives null, never a guess', () => {
  assert.equal(parseReport(''), null);
  assert.equal(parseReport(`START RequestId: ${ID} Version: $LATEST\nEND RequestId: ${ID}\n`), null);
  assert.equal(parseReport('INIT_REPORT Init Duration: 10003.07 ms\tPhase: init\tStatus: timeout\n'), null);
  assert.equal(parseReport('{"type":"platform.start","record":{}}'), null);
});
