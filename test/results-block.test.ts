// How a remote origin hands back its results.json through a log or a response: gzip + base64
// between markers, checked by SHA-256. Interleaved output is skipped, a cut or altered block is
// refused, the last complete block wins, and a forwarder leaves the block's lines out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_BEGIN, decodeResults, encodeResults, findResultsBlock, outsideBlocks, resultsBlock } from '../bench/origins/results-block.js';

const json = JSON.stringify({ schemaVersion: 1, samples: Array.from({ length: 500 }, (_, i) => ({ seq: i, latencyUs: 1000 + i })) });

test('a block round-trips, compressed, in lines a log pipeline keeps whole', () => {
  const block = resultsBlock(json);
  const lines = block.trimEnd().split('\n');
  assert.equal(lines[0], BLOCK_BEGIN);
  assert.match(lines.at(-1)!, /^-----END COLDBENCH RESULTS sha256=[0-9a-f]{64} bytes=\d+-----$/);
  assert.ok(lines.slice(1, -1).every((l) => l.length <= 76 && /^[A-Za-z0-9+/=]+$/.test(l)));
  assert.ok(block.length < json.length / 2, 'compressed');
  const found = findResultsBlock(`progress line\n${block}`);
  assert.ok(found);
  assert.equal(decodeResults(found), json);
});

test('other output interleaved with the block is skipped; the last complete block wins', () => {
  const first = resultsBlock('{"first":true}');
  const second = resultsBlock(json).split('\n');
  second.splice(3, 0, '  threshold failed: web: warm.p99 < 1ms', '');
  const found = findResultsBlock(`${first}more output\n${second.join('\r\n')}\ntrailing\n`);
  assert.ok(found);
  assert.equal(decodeResults(found), json);
});

test('a cut or altered block is refused, not misread; no block is null', () => {
  assert.equal(findResultsBlock('just a log\nwithout results\n'), null);
  assert.equal(findResultsBlock(resultsBlock(json).split('\n').slice(0, -3).join('\n')), null, 'no end marker: the run died while printing');
  const lines = resultsBlock(json).split('\n');
  lines.splice(2, 1);
  assert.throws(() => decodeResults(findResultsBlock(lines.join('\n'))!), /the results are damaged/);
  const encoded = encodeResults(json);
  assert.throws(() => decodeResults({ ...encoded, sha256: '0'.repeat(64) }), /the results are damaged \(\d+ bytes with SHA-256/);
});

test('forwarding progress lines leaves the block out', () => {
  const keep = outsideBlocks();
  const log = `▶ web (http)\n${resultsBlock(json)}reports written\n`.split('\n').filter((l) => l && keep(l));
  assert.deepEqual(log, ['▶ web (http)', 'reports written']);
});
