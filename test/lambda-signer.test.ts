// The function URL signer (the SDK's SignatureV4, service lambda): it asks the credential provider
// again at every signing, so credentials the chain refreshes (temporary ones near expiry) are used
// from the next re-signing on; temporary credentials bring their session token; the Host header is
// signed as the HTTP clients send it; and a local placeholder identity is used only for a local API
// and URL without any configured AWS identity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createUrlSigner, credentialsProblem, urlCredentials } from '../bench/adapters/lambda-signer.js';

test('each signing asks the provider again: refreshed credentials sign the next request', async () => {
  let calls = 0;
  const provider = async () => {
    calls += 1;
    return { accessKeyId: `ASIA${calls}`, secretAccessKey: `secret-${calls}`, sessionToken: `token-${calls}`, expiration: new Date(Date.now() + 60_000) };
  };
  const signer = createUrlSigner('eu-west-1', provider);
  const request = { url: 'https://abc.lambda-url.eu-west-1.on.aws/path?b=2&a=1', method: 'post', headers: { 'content-type': 'application/json', Host: 'ignored' }, body: '{}' };
  const first = await signer.sign(request);
  const second = await signer.sign(request);
  assert.equal(calls, 2);
  assert.match(first.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=ASIA1\/\d{8}\/eu-west-1\/lambda\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
  assert.match(second.authorization ?? '', /Credential=ASIA2\//);
  assert.equal(first['x-amz-security-token'], 'token-1');
  assert.equal(second['x-amz-security-token'], 'token-2');
  assert.equal(first.host, 'abc.lambda-url.eu-west-1.on.aws', 'the host as sent: no default port, the given Host header replaced');
  assert.ok(!('Host' in first));
  assert.match(first['x-amz-content-sha256'] ?? '', /^[0-9a-f]{64}$/, 'the body hash is signed');
});

test('placeholder credentials only for a local API and URL without an AWS identity; a failing chain is named', async () => {
  const local = urlCredentials('http://127.0.0.1:18090', 'http://127.0.0.1:18090/lambda-url/hello/', {});
  assert.deepEqual(await local(), { accessKeyId: 'coldbench-local', secretAccessKey: 'coldbench-local' });
  assert.equal(await credentialsProblem(local), null);
  assert.match((await credentialsProblem(async () => Promise.reject(new Error('Could not load credentials from any providers')))) ?? '', /Could not load credentials/);
});
