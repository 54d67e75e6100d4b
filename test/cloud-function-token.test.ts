// ID tokens for cloud-function targets: fetched before timing, replaced well before they expire
// (the warm engines refresh headers every 10 minutes), and an expired token never reaches the
// function. Tokens come from the emulator's metadata server through google-auth-library.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudFunctionAdapter } from '../bench/adapters/cloud-function.js';
import { cloudFunctionTarget, startCloudFunctionsForTest, testContext, TEST_REGION, until, type CloudFunctionsEmulator } from './helpers/servers.js';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function setup(tokenTtl: string): Promise<{ emulator: CloudFunctionsEmulator; adapter: CloudFunctionAdapter }> {
  const emulator = await startCloudFunctionsForTest({ tokenTtl, functions: [{ name: 'hello', region: TEST_REGION, idle: '30s' }] });
  cleanups.push(() => emulator.stop());
  const adapter = new CloudFunctionAdapter(cloudFunctionTarget(emulator, { cold: { samples: 1, strategy: 'none', instanceHeader: 'x-instance-id' } }), testContext());
  cleanups.push(async () => {
    await adapter.restore();
    await adapter.close();
  });
  await adapter.prepare();
  return { emulator, adapter };
}

test('a token with less than 15 minutes left is replaced at the next header refresh', async () => {
  const { emulator, adapter } = await setup('14m');
  const issued = emulator.issuedAudiences().length;
  assert.equal(issued, 1, 'prepare() fetched one ID token');
  const refresh = adapter.warmLoad().request.refreshHeaders;
  assert.ok(refresh);
  await refresh();
  await refresh();
  assert.equal(emulator.issuedAudiences().length, issued + 2, 'each refresh fetched a new token');
  assert.ok(emulator.issuedAudiences().every((aud) => aud === emulator.functionUrl('hello')));
});

/** Expiry (epoch ms) of the ID token in an Authorization header. */
function expiryOf(authorization: string | undefined): number {
  const payload = (authorization ?? '').replace(/^Bearer /, '').split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp: number }).exp * 1000;
}

test('an expired token is never sent: calls after expiry carry a new one', async () => {
  // Tokens live 2-3 s (exp is in whole seconds): long enough that a fresh token never expires on its
  // way to the function, however loaded the machine; the test waits for the first one to expire.
  const { emulator, adapter } = await setup('3s');
  const first = await adapter.invoke({ fresh: true });
  assert.equal(first.status, 200);
  const expiry = expiryOf(adapter.warmLoad().request.headers.authorization);
  const issued = emulator.issuedAudiences().length;
  await until('the first token to expire', () => Date.now() > expiry, { everyMs: 50 });
  const later = await adapter.invoke({ fresh: false });
  assert.equal(later.status, 200, later.errorMessage);
  const headers = await adapter.warmLoad().request.refreshHeaders!();
  const res = await fetch(emulator.functionUrl('hello'), { headers });
  assert.equal(res.status, 200);
  await res.arrayBuffer();
  assert.ok(emulator.issuedAudiences().length > issued, 'new tokens were fetched after the first expired');
  assert.ok(expiryOf(headers.authorization) > expiry, 'the refreshed header carries a later token');
  assert.equal(emulator.stats('hello').rejected, 0);
});
