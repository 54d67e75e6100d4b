// The emulated control-plane APIs keep idle keep-alive connections as long as a real API front end
// does (60 s), not Node's 5 s default: with 5 s, a client reusing a connection just as the server
// closed it got ECONNRESET (nodejs/node#20256), as a loaded run of this suite once did after a
// 5.9 s pause (test/lambda-adapter.test.ts, a Lambda client with maxAttempts 1). What a server
// will keep is in the Keep-Alive header of every answer on a persistent connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { API_KEEP_ALIVE_MS } from '../platforms/keep-alive.js';
import { startCloudFunctionsForTest, startLambdaForTest, startTestKube } from './helpers/servers.js';

/** The Keep-Alive header of an answer on a persistent connection (node:http, as the SDKs use). */
async function keepAliveOf(url: string, headers: Record<string, string> = {}): Promise<string | undefined> {
  const agent = new http.Agent({ keepAlive: true });
  try {
    return await new Promise((resolve, reject) => {
      http
        .get(url, { agent, headers }, (res) => {
          res.resume();
          res.on('end', () => {
            const value = res.headers['keep-alive'];
            resolve(Array.isArray(value) ? value[0] : value);
          });
        })
        .on('error', reject);
    });
  } finally {
    agent.destroy();
  }
}

const expected = `timeout=${API_KEEP_ALIVE_MS / 1000}`;

test('API servers keep idle connections 60 s: Lambda API, Cloud Functions API and metadata server, Kubernetes API', async (t) => {
  assert.equal(API_KEEP_ALIVE_MS, 60_000);
  const lambda = await startLambdaForTest();
  t.after(() => lambda.stop());
  assert.equal(await keepAliveOf(`${lambda.endpoint}/2015-03-31/functions/`), expected, 'Lambda API');

  const gcf = await startCloudFunctionsForTest();
  t.after(() => gcf.stop());
  assert.equal(await keepAliveOf(`${gcf.apiEndpoint}/v2/projects/${gcf.project}/locations/-/functions`), expected, 'Cloud Functions API');
  assert.equal(await keepAliveOf(`http://${gcf.metadataHost}/computeMetadata/v1/project/project-id`, { 'metadata-flavor': 'Google' }), expected, 'metadata server');

  const kube = await startTestKube({ deployments: [{ name: 'web', replicas: 0 }] });
  t.after(() => kube.close());
  assert.equal(await keepAliveOf(`${kube.apiUrl}/version`), expected, 'Kubernetes API');
});
