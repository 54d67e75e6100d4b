// One connection policy for every kind's cold samples (issue 15): each Lambda cold sample goes
// over a new TCP connection to the Invoke API, so it pays for the connection as an HTTP kind's cold
// sample does, and its connect / first-byte split is filled; warm calls keep their connections.
// The emulator records every request with the connection it came on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTargetFile } from '../bench/config/load.js';
import { silentProgress } from '../bench/progress.js';
import { runConfig } from '../bench/runner.js';
import { startLambdaForTest, type LocalLambda } from './helpers/servers.js';

let lambda: LocalLambda;
const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-lambda-connections-'));

before(async () => {
  lambda = await startLambdaForTest();
});
after(async () => {
  await lambda?.stop();
});

test('every cold sample opens a new connection to the Invoke API and has connect_ms; warm invokes reuse theirs', async () => {
  const file = path.join(dir, 'targets.yaml');
  writeFileSync(
    file,
    `targets:
  - name: hello-lambda
    kind: lambda
    region: ${lambda.region}
    endpoint: ${lambda.endpoint}
    function: hello
    cold: { samples: 4, pollInterval: 50ms, waitTimeout: 10s }
    warm: { requests: 40, connections: 2 }
`,
  );
  const firstRecord = lambda.stats.requests.length;
  const connectionsBefore = lambda.stats.connectionsAccepted;
  const out = path.join(dir, 'out');
  const outcome = await runConfig(loadTargetFile(file), { out, progress: silentProgress, signal: new AbortController().signal });
  const target = outcome.results.targets[0]!;
  assert.equal(target.status, 'ok', target.failure);

  const invokes = lambda.stats.requests.slice(firstRecord).filter((r) => r.operation === 'Invoke' && r.function === 'hello');
  // Warm invokes ask for the log tail too (it counts cold starts inside the warm phase), but on
  // kept connections; a cold sample's connection carries that one request and is closed.
  const perConnection = new Map<number, number>();
  for (const r of invokes) perConnection.set(r.connection, (perConnection.get(r.connection) ?? 0) + 1);
  const cold = invokes.filter((r) => r.logType === 'Tail' && perConnection.get(r.connection) === 1);
  assert.equal(cold.length, 4, 'one Invoke with the log tail on a connection of its own per cold sample');
  for (const r of cold) assert.equal(r.requestOnConnection, 0, `cold sample on connection ${r.connection} was not its first request`);
  assert.equal(new Set(cold.map((r) => r.connection)).size, 4, 'four different connections');
  assert.ok(lambda.stats.connectionsAccepted - connectionsBefore >= 4);
  const warm = invokes.filter((r) => r.requestOnConnection > 0);
  assert.ok(warm.length >= 30, `warm invokes reuse keep-alive connections (${warm.length} reused)`);

  for (const s of target.phases.cold!.samples) {
    assert.ok(s.connectUs !== null && s.connectUs > 0, `sample ${s.seq}: connectUs ${s.connectUs}`);
    assert.ok(s.ttfbUs !== null && s.ttfbUs > 0, `sample ${s.seq}: ttfbUs ${s.ttfbUs}`);
    assert.equal(s.tlsUs, null, 'plain http: no TLS');
    assert.ok(s.connectUs + s.ttfbUs <= s.latencyUs, 'the split is part of the latency');
  }
  const csv = readFileSync(path.join(out, 'samples.csv'), 'utf8').trim().split('\n');
  const header = csv[0]!.split(',');
  for (const row of csv.slice(1)) assert.ok(Number(row.split(',')[header.indexOf('connect_ms')]) > 0, `connect_ms filled: ${row}`);
  assert.ok(target.platform.kind === 'lambda' && !('apiConnection' in target.platform), 'no keep-alive claim in the facts');
});
