// The demo function, run by the real Functions Framework (`--target=hello`). Each process names
// itself once at load time, so a new instance id in `x-instance-id` means a new process: a real
// cold start. `x-instance-uptime-ms` is how long the process had been up when it handled the request:
// a sample is verified cold only if its instance started after the request was sent (a deployment
// may have started an instance earlier; cold.instanceUptimeHeader). INIT_WORK_MS (an environment
// variable of the function) adds CPU work at load time, like a function that builds clients or
// reads config before it can serve.
import { randomBytes } from 'node:crypto';

const instanceId = `${process.env.K_REVISION ?? 'local'}.${process.pid}.${randomBytes(4).toString('hex')}`;
const initWorkMs = Number(process.env.INIT_WORK_MS ?? 0);
if (initWorkMs > 0) {
  const until = Date.now() + initWorkMs;
  while (Date.now() < until) {
    // busy: module initialisation work
  }
}
let served = 0;

export function hello(req, res) {
  served += 1;
  res.set('x-instance-id', instanceId);
  res.set('x-instance-uptime-ms', (process.uptime() * 1000).toFixed(1));
  res.set('cache-control', 'no-store');
  res.json({
    instance: instanceId,
    revision: process.env.K_REVISION ?? null,
    served,
    greeting: process.env.GREETING ?? 'hello',
    method: req.method,
    path: req.path,
  });
}
