// `npm run perf` section "accuracy": what coldbench reports for a target of known latency, against
// the truth. Moved here from test/e2e-http.test.ts, whose upper bounds ("within a few percent")
// measured how busy the machine was as much as the harness; the test keeps the lower bounds (a
// reported latency is never below the truth), which hold on any machine.
//
// The truth: perf-server.mjs answers every request after 20 ms, and the first request after
// GET /__cold after 20 + 150 ms (a forced cold start of known cost). Cold samples are fresh
// connections timed by the same code as every cold sample (timedRequest); warm load is the closed
// model (autocannon) with 2 connections, as the test's target had.
import { timedRequest } from '../bench/http/timed-request.js';
import { runClosedModel } from '../bench/phases/warm-closed.js';
import { startPerfServer } from './perf-tools.js';

export const WARM_TRUTH_US = 20_000;
export const COLD_TRUTH_US = 170_000;

export interface AccuracyResult {
  coldP50Us: number;
  coldSamplesUs: number[];
  warmP50Us: number;
  warmRequests: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function measureAccuracy(log: (line: string) => void, signal: AbortSignal): Promise<AccuracyResult> {
  const server = await startPerfServer(['--latency', String(WARM_TRUTH_US / 1000), '--cold-extra', String((COLD_TRUTH_US - WARM_TRUTH_US) / 1000)]);
  try {
    const request = { url: server.url, method: 'GET', headers: {} };
    await timedRequest({ ...request, timeoutMs: 10_000, fresh: true, signal }); // warm our own code paths first
    log(`accuracy: 15 forced cold samples (truth ${COLD_TRUTH_US / 1000} ms), then 200 warm requests on 2 connections (truth ${WARM_TRUTH_US / 1000} ms)`);
    const coldSamplesUs: number[] = [];
    for (let i = 0; i < 15; i += 1) {
      await server.control('/__cold');
      const sample = await timedRequest({ ...request, timeoutMs: 10_000, fresh: true, signal });
      if (sample.error) throw new Error(`cold sample ${i} failed: ${sample.error} ${sample.errorMessage ?? ''}`);
      coldSamplesUs.push(sample.latencyUs);
    }
    const warm = await runClosedModel(request, { requests: 200, connections: 2, maxConnections: 2, warmupMs: 0 }, { timeoutMs: 10_000, signal });
    const warmP50Us = warm.histogram.summary().p50Us;
    warm.histogram.destroy();
    return { coldP50Us: median(coldSamplesUs), coldSamplesUs, warmP50Us, warmRequests: warm.requests };
  } finally {
    await server.stop();
  }
}
