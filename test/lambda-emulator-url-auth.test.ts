// The emulator's Function URL front with AuthType AWS_IAM: its SigV4 verifier (its own code, from
// the specification) reproduces the published AWS test-suite signatures; a request signed with the
// SDK's signer is accepted, and an unsigned, wrongly signed, tampered, expired or unknown-identity
// request gets 403 with AWS's error type and message; every verdict is counted. GetFunctionUrlConfig
// answers for the URL's own qualifier only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetFunctionUrlConfigCommand, ListFunctionUrlConfigsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { createLambdaClient } from '../bench/adapters/lambda-client.js';
import { verifySignature } from '../platforms/lambda/sigv4.js';
import { startLambdaForTest, type LocalLambda } from './helpers/servers.js';

const KEY = { accessKeyId: 'AKIDURLTEST', secretAccessKey: 'url-test-secret' };
let lambda: LocalLambda;
let client: LambdaClient;

before(async () => {
  lambda = await startLambdaForTest({
    credentials: [KEY, { accessKeyId: 'ASIATEMP', secretAccessKey: 'temp-secret', sessionToken: 'session-1' }],
    functions: [
      { name: 'private', handler: 'hello.handler', url: { authType: 'AWS_IAM' } },
      { name: 'public', handler: 'hello.handler' },
      { name: 'aliased', handler: 'hello.handler', aliases: ['live'], url: { authType: 'AWS_IAM', qualifier: 'live' } },
    ],
  });
  client = createLambdaClient({ region: lambda.region, endpoint: lambda.endpoint, maxAttempts: 1, timeoutMs: 10_000 });
});
after(async () => {
  client?.destroy();
  await lambda?.stop();
});

test('the verifier reproduces the AWS SigV4 test suite (get-vanilla, post-vanilla, get-vanilla-query-order-key-case)', () => {
  const credentials = new Map([['AKIDEXAMPLE', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }]]);
  const vectors = [
    ['GET', '/', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    ['POST', '/', '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'],
    ['GET', '/?Param2=value2&Param1=value1', 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500'],
  ] as const;
  for (const [method, rawUrl, signature] of vectors) {
    const rawHeaders = ['Host', 'example.amazonaws.com', 'X-Amz-Date', '20150830T123600Z', 'Authorization', `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`];
    const input = { method, rawUrl, rawHeaders, body: Buffer.alloc(0), region: 'us-east-1', service: 'service', now: new Date('2015-08-30T12:36:00Z'), windowMs: 300_000 };
    assert.deepEqual(verifySignature(input, credentials), { ok: true, accessKeyId: 'AKIDEXAMPLE' }, `${method} ${rawUrl}`);
    const flipped = signature.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    const refused = verifySignature({ ...input, rawHeaders: rawHeaders.map((h) => h.replace(signature, flipped)) }, credentials);
    assert.equal(refused.ok, false);
  }
});

/** Headers for a request to `url`, signed by the AWS SDK's own signer. */
async function signed(url: string, body: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, at?: Date): Promise<Record<string, string>> {
  const u = new URL(url);
  const signer = new SignatureV4({ service: 'lambda', region: lambda.region, credentials, sha256: Sha256 });
  const request = await signer.sign(
    { method: 'POST', protocol: u.protocol, hostname: u.hostname, port: Number(u.port), path: u.pathname, query: {}, headers: { host: u.host, 'content-type': 'application/json' }, body },
    at ? { signingDate: at } : {},
  );
  return request.headers;
}

const post = (url: string, headers: Record<string, string>, body: string) => fetch(url, { method: 'POST', headers, body });

test('an IAM-auth URL accepts SDK-signed requests and answers 403 to unsigned, wrongly signed, tampered, expired and unknown ones', async () => {
  const url = `${lambda.endpoint}/lambda-url/private/`;
  const body = '{"ping":true}';
  const before = { ...lambda.stats.urlSignatures };
  const ok = await post(url, await signed(url, body, KEY), body);
  assert.equal(ok.status, 200, await ok.clone().text());
  assert.equal((await ok.json()).message, 'hello');
  const temporary = await post(url, await signed(url, body, { accessKeyId: 'ASIATEMP', secretAccessKey: 'temp-secret', sessionToken: 'session-1' }), body);
  assert.equal(temporary.status, 200, 'temporary credentials with their session token');

  const refusals: Array<[string, Response, string, RegExp]> = [
    ['unsigned', await post(url, { 'content-type': 'application/json' }, body), 'AccessDeniedException', /^Forbidden/],
    ['wrong secret', await post(url, await signed(url, body, { ...KEY, secretAccessKey: 'guess' }), body), 'InvalidSignatureException', /signature we calculated does not match/],
    ['tampered body', await post(url, await signed(url, body, KEY), '{"ping":false}'), 'InvalidSignatureException', /does not match/],
    ['expired', await post(url, await signed(url, body, KEY, new Date(Date.now() - 6 * 60_000)), body), 'InvalidSignatureException', /^Signature expired: \d{8}T\d{6}Z is now earlier than/],
    ['unknown key', await post(url, await signed(url, body, { accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' }), body), 'UnrecognizedClientException', /security token included in the request is invalid/],
    ['wrong session token', await post(url, await signed(url, body, { accessKeyId: 'ASIATEMP', secretAccessKey: 'temp-secret', sessionToken: 'stale' }), body), 'UnrecognizedClientException', /security token/],
  ];
  for (const [what, response, type, message] of refusals) {
    assert.equal(response.status, 403, what);
    assert.equal(response.headers.get('x-amzn-errortype'), type, what);
    assert.match((await response.json()).Message, message, what);
  }
  assert.equal(lambda.stats.urlSignatures.accepted - before.accepted, 2);
  assert.equal(lambda.stats.urlSignatures.refused - before.refused, refusals.length);

  const open = await fetch(`${lambda.endpoint}/lambda-url/public/`);
  assert.equal(open.status, 200, 'AuthType NONE needs no signature');
});

test('GetFunctionUrlConfig answers for the URL\'s qualifier only; ListFunctionUrlConfigs names it', async () => {
  const latest = await client.send(new GetFunctionUrlConfigCommand({ FunctionName: 'private' }));
  assert.equal(latest.AuthType, 'AWS_IAM');
  assert.equal(latest.FunctionUrl, `${lambda.endpoint}/lambda-url/private/`);
  assert.equal((await client.send(new GetFunctionUrlConfigCommand({ FunctionName: 'public' }))).AuthType, 'NONE');
  await assert.rejects(client.send(new GetFunctionUrlConfigCommand({ FunctionName: 'aliased' })), (err: Error) => err.name === 'ResourceNotFoundException');
  const live = await client.send(new GetFunctionUrlConfigCommand({ FunctionName: 'aliased', Qualifier: 'live' }));
  assert.match(live.FunctionArn ?? '', /:function:aliased:live$/);
  const listed = await client.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'aliased' }));
  assert.deepEqual(listed.FunctionUrlConfigs?.map((c) => c.FunctionArn), [live.FunctionArn]);
});
