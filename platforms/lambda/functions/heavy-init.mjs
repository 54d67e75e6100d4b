// Demo function "heavy-init": does real work at module load (builds and hashes a lookup table, as a
// function that parses a large config or warms a model would), about 300 ms on a small machine.
// Invocations afterwards are cheap, so cold and warm latency differ by the init time. It reports
// how long its own initialisation took (initMs), which the platform's Init Duration must include.
import { createHash } from 'node:crypto';

const initStartedAt = performance.now();
const ROUNDS = 150_000;
const table = new Map();
let digest = createHash('sha256');
for (let i = 0; i < ROUNDS; i++) {
  const key = createHash('sha256').update(`entry-${i}`).digest('hex');
  table.set(key, i);
  digest = digest.update(key);
}
const fingerprint = digest.digest('hex').slice(0, 16);
const initMs = performance.now() - initStartedAt;
const environmentId = process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? 'unknown';

export async function handler(event = {}) {
  const probe = createHash('sha256').update(`entry-${Number(event.key ?? 7) % ROUNDS}`).digest('hex');
  return { message: 'heavy', environment: environmentId, entries: table.size, fingerprint, found: table.get(probe) ?? null, initMs };
}
