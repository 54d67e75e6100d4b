// The kubernetes and knative keys of a target file: a kubernetes target names `url` or `service`
// (reached through the API server's proxy; with `servicePort` and `path`), exactly one; `namespace`
// is optional for both kinds (the adapter resolves it from the kubeconfig context). Each problem is
// one line naming the file, line and field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseTargetFile } from '../bench/config/load.js';

const parse = (text: string) => parseTargetFile(text, 'targets.yaml', '/tmp/targets.yaml', {});
const problemsOf = (text: string): string[] => {
  try {
    parse(text);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.message.split('\n');
  }
  assert.fail('expected the file to be refused');
};

test('service: instead of url, with servicePort (a number or a name) and path; namespace left to the context', () => {
  const config = parse(`
targets:
  - { name: by-name, kind: kubernetes, deployment: web, service: web, servicePort: http, path: /health?deep=1 }
  - { name: by-number, kind: kubernetes, deployment: web, service: web, servicePort: 8080 }
  - { name: by-url, kind: kubernetes, deployment: web, url: https://web.example.com/, namespace: apps }
  - { name: kn, kind: knative, service: hello }
`);
  const [byName, byNumber, byUrl, kn] = config.targets;
  assert.ok(byName?.kind === 'kubernetes' && byNumber?.kind === 'kubernetes' && byUrl?.kind === 'kubernetes' && kn?.kind === 'knative');
  assert.deepEqual([byName.service, byName.servicePort, byName.path, byName.url, byName.namespace], ['web', 'http', '/health?deep=1', undefined, undefined]);
  assert.equal(byNumber.servicePort, 8080);
  assert.deepEqual([byUrl.url, byUrl.service, byUrl.namespace], ['https://web.example.com/', undefined, 'apps']);
  assert.equal(kn.namespace, undefined, "resolved later: the context's namespace, then default");
});

test('exactly one of url and service; servicePort and path only with service', () => {
  const problems = problemsOf(`
targets:
  - { name: both, kind: kubernetes, deployment: web, service: web, url: http://x.example/ }
  - { name: neither, kind: kubernetes, deployment: web }
  - { name: stray, kind: kubernetes, deployment: web, url: http://x.example/, servicePort: 80, path: /x }
  - { name: badpath, kind: kubernetes, deployment: web, service: web, path: health }
  - { name: badport, kind: kubernetes, deployment: web, service: web, servicePort: 70000 }
`);
  const expect = [
    /targets\.yaml:3: targets\[0\]\.service: set either url or service \(reached through the API server's service proxy\), not both/,
    /targets\.yaml:4: targets\[1\]\.url: missing; set url \(an address that reaches the Deployment\) or service/,
    /targets\.yaml:5: targets\[2\]\.servicePort: only used with service:/,
    /targets\.yaml:5: targets\[2\]\.path: only used with service:/,
    /targets\.yaml:6: targets\[3\]\.path: expected a path starting with \//,
    /targets\.yaml:7: targets\[4\]\.servicePort: /,
  ];
  for (const pattern of expect) assert.ok(problems.some((p) => pattern.test(p)), `${pattern} in:\n${problems.join('\n')}`);
});
