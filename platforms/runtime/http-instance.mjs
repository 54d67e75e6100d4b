// One instance of an emulated HTTP service: a real Node process. It "initialises" for
// INIT_DELAY_MS (as a function's module load would), then listens on an ephemeral loopback port,
// tells its parent the port over IPC, and answers every request after LATENCY_MS with its id.
import http from 'node:http';
import { randomBytes } from 'node:crypto';

const initDelayMs = Number(process.env.INIT_DELAY_MS ?? 0);
const latencyMs = Number(process.env.LATENCY_MS ?? 0);
const instanceId = `${process.pid}-${randomBytes(3).toString('hex')}`;
const startedAt = Date.now();

function busyWait(ms) {
  // Initialisation is CPU work in real functions; a sleep would hide process-start contention.
  const end = Date.now() + ms;
  while (Date.now() < end);
}

if (initDelayMs > 0) busyWait(initDelayMs);

const server = http.createServer((req, res) => {
  const reply = () => {
    const body = JSON.stringify({ instance: instanceId, uptimeMs: Date.now() - startedAt });
    res.writeHead(200, { 'content-type': 'application/json', 'x-instance-id': instanceId, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  req.resume();
  req.on('end', () => (latencyMs > 0 ? setTimeout(reply, latencyMs) : reply()));
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0, instanceId });
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
