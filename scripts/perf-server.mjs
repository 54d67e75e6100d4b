// The server every `npm run perf` comparison talks to: its own Node process (so the load generator
// and the server each get a core), plain JS (no TS loader in the measured path), 127.0.0.1 only.
//
//   node scripts/perf-server.mjs [--stall-every MS --stall-for MS] [--latency MS] [--cold-extra MS]
//
// Prints one JSON line {"port": N} once listening. With a stall, every request that arrives while
// the stall is on is held until it ends (a GC pause, a blocked event loop, a failover): the stall is
// on during [0, stallFor) of every period of stallEvery, counted from the epoch.
// GET /__stall?in=MS moves the epoch so that the next stall starts MS from now (perf runs line it up).
// With --latency every answer leaves MS after its request arrived; GET /__cold makes the next answer
// take --cold-extra MS more (a forced cold start of known cost: the accuracy section's truth).
import http from 'node:http';

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected milliseconds, got ${process.argv[at + 1]}`);
  return value;
}

const stallEvery = option('--stall-every', 0);
const stallFor = option('--stall-for', 0);
const latency = option('--latency', 0);
const coldExtra = option('--cold-extra', 0);
let coldPending = false;
let epoch = performance.now();
const body = Buffer.from('ok\n');

function stallLeft(now) {
  if (stallEvery <= 0 || stallFor <= 0 || now < epoch) return 0;
  const phase = (now - epoch) % stallEvery;
  return phase < stallFor ? stallFor - phase : 0;
}

function respond(res) {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
}

const server = http.createServer((req, res) => {
  if (req.url && req.url.startsWith('/__stall')) {
    const inMs = Number(new URL(req.url, 'http://x').searchParams.get('in') ?? '0');
    epoch = performance.now() + inMs;
    res.end('ok\n');
    return;
  }
  if (req.url && req.url.startsWith('/__cold')) {
    coldPending = true;
    res.end('ok\n');
    return;
  }
  const delay = Math.max(stallLeft(performance.now()), latency + (coldPending ? coldExtra : 0));
  coldPending = false;
  if (delay > 0) setTimeout(respond, delay, res);
  else respond(res);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
// The parent closes our stdin when it goes: never outlive it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
