// One emulated pod: a plain Node HTTP server in its own process, so a cold start is a real process
// start. Plain .mjs (not TypeScript) so the start-up measured is Node's, not our TS loader's.
//
// Environment: POD_NAME (also the x-instance-id header), POD_INIT_DELAY_MS (app initialisation
// before listening), POD_LATENCY_MS (per-request work), POD_TERMINATION_DELAY_MS (graceful
// shutdown after SIGTERM, so a terminating pod stays visible with its deletionTimestamp).
// Prints one JSON line {"ready":true,"port":N} on stdout once it accepts connections.
import http from 'node:http';

const startedAt = Date.now();
const podName = process.env.POD_NAME ?? `pod-${process.pid}`;
const initDelayMs = Number(process.env.POD_INIT_DELAY_MS ?? 0);
const latencyMs = Number(process.env.POD_LATENCY_MS ?? 0);
const terminationDelayMs = Number(process.env.POD_TERMINATION_DELAY_MS ?? 0);
let served = 0;

const server = http.createServer((req, res) => {
  served += 1;
  const reply = () => {
    // The names of the request headers it got (what a proxy passed on), never their values.
    const body = JSON.stringify({ pod: podName, pid: process.pid, served, path: req.url, host: req.headers.host ?? null, headers: Object.keys(req.headers) });
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-instance-id': podName,
      'x-pod-started-at': String(startedAt),
      // Echo of the Host the request arrived with (checks calls through an ingress address).
      'x-request-host': req.headers.host ?? '',
    });
    res.end(body);
  };
  req.resume();
  req.on('end', () => (latencyMs > 0 ? setTimeout(reply, latencyMs) : reply()));
});
server.keepAliveTimeout = 30_000;

function listen() {
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(JSON.stringify({ ready: true, port: typeof address === 'object' && address ? address.port : 0 }) + '\n');
  });
}

process.on('SIGTERM', () => {
  server.close();
  server.closeIdleConnections?.();
  setTimeout(() => process.exit(0), terminationDelayMs).unref();
  if (terminationDelayMs === 0) process.exit(0);
});
// Parent gone (stdin closed): never outlive the emulator.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

if (initDelayMs > 0) setTimeout(listen, initDelayMs);
else listen();
