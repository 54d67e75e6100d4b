// `sweep:` in a target file: each kind takes only the keys its control plane can change, with the
// values that plane takes; a wrong one is one message naming file, line and field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseTargetFile } from '../bench/config/load.js';

function problemsOf(yaml: string): string {
  try {
    parseTargetFile(`targets:\n${yaml}`, 'sweep.yaml', '/tmp/sweep.yaml', {});
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  assert.fail('expected the file to be refused');
}

const lambda = (sweep: string) => `  - name: fn\n    kind: lambda\n    region: eu-west-1\n    function: fn\n    sweep: ${sweep}\n`;

test('a valid sweep becomes axes in the kind\'s key order', () => {
  const config = parseTargetFile(
    `targets:\n  - name: run\n    kind: cloud-run\n    project: p\n    region: r\n    service: s\n    sweep: { concurrency: [1, 80], memory: ["512Mi", "1Gi"], cpu: [1, "2"] }\n`,
    'sweep.yaml', '/tmp/sweep.yaml', {},
  );
  assert.deepEqual(config.targets[0]!.sweep, [
    { key: 'memory', values: ['512Mi', '1Gi'] },
    { key: 'cpu', values: [1, '2'] },
    { key: 'concurrency', values: [1, 80] },
  ]);
});

test('Lambda sweeps memory in MB only', () => {
  assert.match(problemsOf(lambda('{ memory: [64, 512] }')), /^sweep\.yaml:6: targets\[0\]\.sweep\.memory\[0\]: expected at least 128 \(MB\)/m);
  assert.match(problemsOf(lambda('{ cpu: [1] }')), /sweep\.yaml:6: targets\[0\]\.sweep.*cpu/);
  assert.match(problemsOf(lambda('{ memory: [512, 512] }')), /targets\[0\]\.sweep\.memory: expected each value once/);
  assert.match(problemsOf(lambda('{}')), /targets\[0\]\.sweep: expected at least one key to sweep/);
});

test('an http target has nothing to sweep', () => {
  assert.match(problemsOf('  - name: h\n    kind: http\n    url: http://127.0.0.1:1/\n    sweep: { memory: ["1Gi"] }\n'), /targets\[0\].*sweep/);
});

test('Kubernetes memory is a quantity, and the cross product is bounded', () => {
  const kube = (sweep: string) => `  - name: k\n    kind: kubernetes\n    url: http://127.0.0.1:1/\n    deployment: d\n    sweep: ${sweep}\n`;
  assert.match(problemsOf(kube('{ memory: [256] }')), /targets\[0\]\.sweep\.memory\[0\]: expected a memory quantity like "512Mi" or "1Gi"/);
  assert.match(problemsOf(kube('{ memory: ["1Gi"], concurrency: [1] }')), /targets\[0\]\.sweep.*concurrency/);
  const many = (n: number, unit: string) => `[${Array.from({ length: n }, (_, i) => `"${i + 1}${unit}"`).join(', ')}]`;
  assert.match(problemsOf(kube(`{ cpu: ${many(5, 'm')}, memory: ${many(4, 'Mi')} }`)), /targets\[0\]\.sweep: 20 variants \(the cross product of 5 cpu x 4 memory\); at most 16/);
});
