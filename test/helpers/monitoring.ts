// A real Prometheus and Pushgateway (Debian's packages, installed by .ci/run) on random loopback
// ports with a temporary config and storage directory. Prometheus scrapes the Pushgateway (and
// any extra targets a test serves) every second; tests read it back through its HTTP API.
// stop() always ends both processes; exit and signal hooks kill them if a test run dies first,
// and each runs under GNU timeout, so none can outlive a test run killed outright.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const PROMETHEUS = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
export const PUSHGATEWAY = process.env.PUSHGATEWAY_PATH ?? '/usr/bin/prometheus-pushgateway';

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface MonitoringStack {
  pushgatewayUrl: string;
  prometheusUrl: string;
  query(promql: string): Promise<Sample[]>;
  /** Poll `promql` until `done` accepts the answer (at most `timeoutMs`); returns that answer. */
  waitFor(promql: string, done: (samples: Sample[]) => boolean, timeoutMs?: number): Promise<Sample[]>;
  stop(): Promise<void>;
}

/** Upper bound on a server's life: even if this process is killed hard, GNU timeout ends them. */
const MAX_LIFETIME_S = 900;

const running = new Set<ChildProcess>();
function killAll(): void {
  // SIGTERM, not SIGKILL: `timeout` passes it on (a killed `timeout` would leave its server behind).
  for (const child of running) child.kill('SIGTERM');
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.kill(process.pid, signal);
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    running.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  running.delete(child);
}

/** Start `command` listening on a fresh loopback port; resolves once GET /-/ready answers 200. A
 *  port taken between choosing and binding it makes the process exit: then try another port. */
async function startServer(command: string, args: (address: string) => string[], label: string): Promise<{ child: ChildProcess; url: string }> {
  let lastLog = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    // `timeout` passes our SIGTERM on to the server and kills it after MAX_LIFETIME_S regardless.
    const child = spawn('timeout', ['-k', '5', String(MAX_LIFETIME_S), command, ...args(address)], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let log = '';
    child.stdout?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    const url = `http://${address}`;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
        if (res.ok) return { child, url };
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    lastLog = log;
    await stopProcess(child);
  }
  throw new Error(`${label} did not become ready:\n${lastLog}`);
}

export interface StackOptions {
  /** Extra scrape jobs: job name -> host:port serving /metrics. */
  extraTargets?: Record<string, string>;
}

export async function startMonitoringStack(options: StackOptions = {}): Promise<MonitoringStack> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-prometheus-'));
  const started: ChildProcess[] = [];
  try {
    // In memory only: Debian's build persists to /var/lib/prometheus by default, shared by every run.
    const pushgateway = await startServer(PUSHGATEWAY, (address) => [`--web.listen-address=${address}`, '--persistence.file=', '--log.level=warn'], 'Pushgateway');
    started.push(pushgateway.child);
    const jobs = [
      // honor_labels: the pushed job/origin labels stay as pushed (the Pushgateway's standard setup).
      { name: 'pushgateway', target: new URL(pushgateway.url).host, honorLabels: true },
      ...Object.entries(options.extraTargets ?? {}).map(([name, target]) => ({ name, target, honorLabels: false })),
    ];
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      ...jobs.flatMap((j) => [`  - job_name: ${JSON.stringify(j.name)}`, `    honor_labels: ${j.honorLabels}`, `    static_configs: [{ targets: [${JSON.stringify(j.target)}] }]`]),
      '',
    ].join('\n');
    writeFileSync(path.join(dir, 'prometheus.yml'), config);
    const prometheus = await startServer(
      PROMETHEUS,
      (address) => [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=${address}`, '--log.level=warn'],
      'Prometheus',
    );
    started.push(prometheus.child);

    const query = async (promql: string): Promise<Sample[]> => {
      const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(5_000) });
      const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      if (body.status !== 'success' || !body.data) throw new Error(`Prometheus query ${promql}: ${body.error ?? res.status}`);
      return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    };
    return {
      pushgatewayUrl: pushgateway.url,
      prometheusUrl: prometheus.url,
      query,
      async waitFor(promql, done, timeoutMs = 30_000) {
        const deadline = Date.now() + timeoutMs;
        let last: Sample[] = [];
        while (Date.now() < deadline) {
          last = await query(promql);
          if (done(last)) return last;
          await sleep(250);
        }
        throw new Error(`Prometheus never answered ${promql} as expected within ${timeoutMs} ms; last answer: ${JSON.stringify(last).slice(0, 2000)}`);
      },
      async stop() {
        await Promise.all(started.map(stopProcess));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await Promise.all(started.map(stopProcess));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
