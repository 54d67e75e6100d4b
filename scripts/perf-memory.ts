// Child of `npm run perf`: memory after recording 1M and then 10M latencies into the histogram the
// warm phases use. Runs in its own process (node --expose-gc) so nothing else shares its heap.
// Prints one JSON line.
import { createHistogram } from '../bench/histograms.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('perf-memory.ts needs node --expose-gc');

interface Snapshot {
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
}

function snapshot(): Snapshot {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, externalBytes: m.external + m.arrayBuffers };
}

// Deterministic log-uniform latencies from 50 us to 60 s (xorshift32): the histogram reaches its
// full range early, as a long run with a few timeouts would.
let seed = 0x9e3779b9;
function nextLatencyUs(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  const u = (seed >>> 0) / 0x1_0000_0000;
  return 50 * Math.exp(u * Math.log(1_200_000));
}

const histogram = createHistogram();
const before = snapshot();
const startedAt = performance.now();
for (let i = 0; i < 1_000_000; i += 1) histogram.record(nextLatencyUs());
const after1M = snapshot();
for (let i = 1_000_000; i < 10_000_000; i += 1) histogram.record(nextLatencyUs());
const after10M = snapshot();
const recordNs = ((performance.now() - startedAt) * 1e6) / 10_000_000;
const count = histogram.count;
const encodedBytes = histogram.encode().length;
histogram.destroy();
process.stdout.write(`${JSON.stringify({ count, before, after1M, after10M, recordNs, encodedBytes })}\n`);
