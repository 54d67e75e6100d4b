// The demo Cloud Run container: a plain HTTP server on $PORT (the container contract), one process
// per instance. It names itself once at start (`x-instance-id`: a new id is a new process) and
// says how long it has been up when it handles a request (`x-instance-uptime-ms`, measured from the
// process start, so it includes the start-up work): a sample is verified cold only if its instance
// started after the request was sent. INIT_WORK_MS adds CPU work before it listens, like a service
// that loads its configuration or warms clients first; LATENCY_MS delays each answer.
import http from 'node:http';
import { randomBytes } from 'node:crypto';

const instanceId = `${process.env.K_REVISION ?? 'local'}.${process.pid}.${randomBytes(4).toString('hex')}`;
const initWorkMs = Number(process.env.INIT_WORK_MS ?? 0);
const latencyMs = Number(process.env.LATENCY_MS ?? 0);
if (initWorkMs > 0) {
  const until = Date.now() + initWorkMs;
  while (Date.now() < until) {
    // busy: start-up work
  }
}
let served = 0;

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const reply = () => {
      served += 1;
      const body = JSON.stringify({ instance: instanceId, revision: process.env.K_REVISION ?? null, served, path: req.url, greeting: process.env.GREETING ?? 'hello' });
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
        'x-instance-id': instanceId,
        'x-instance-uptime-ms': (process.uptime() * 1000).toFixed(1),
      });
      res.end(body);
    };
    if (latencyMs > 0) setTimeout(reply, latencyMs);
    else reply();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
