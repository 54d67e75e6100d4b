// Which Application Default Credentials can mint an ID token Cloud Run accepts (docs/platforms.md,
// "ID tokens"): the metadata server, a service-account key and impersonated credentials can; user
// credentials from `gcloud auth application-default login` get tokens whose audience is the OAuth
// client, and workload identity federation cannot mint them at all. The kind is read from real ADC
// files by google-auth-library itself (no network); a target with the wrong kind is refused in
// prepare() before any API call, with a message that says what to do.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GoogleAuth } from 'google-auth-library';
import { CloudRunAdapter } from '../bench/adapters/cloud-run.js';
import { credentialKind, credentialProblems, idTokenAudience } from '../bench/adapters/google-auth.js';
import { TargetFailure } from '../bench/errors.js';
import { cloudRunTarget, startCloudFunctionsForTest, testContext, TEST_REGION, type CloudFunctionsEmulator } from './helpers/servers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-adc-'));
let emulator: CloudFunctionsEmulator;

const user = { type: 'authorized_user', client_id: '764086051850-x.apps.googleusercontent.com', client_secret: 'not-a-secret', refresh_token: '1//refresh' };
const ADC_FILES: Record<string, unknown> = {
  'service-account-key': {
    type: 'service_account',
    project_id: 'p',
    private_key_id: 'k1',
    private_key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: 'bench@p.iam.gserviceaccount.com',
    client_id: '1',
    token_uri: 'https://oauth2.googleapis.com/token',
  },
  user,
  impersonated: {
    type: 'impersonated_service_account',
    service_account_impersonation_url: 'https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/invoker@p.iam.gserviceaccount.com:generateAccessToken',
    source_credentials: user,
  },
  'external-account': {
    type: 'external_account',
    audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/pool/providers/github',
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    token_url: 'https://sts.googleapis.com/v1/token',
    credential_source: { file: path.join(dir, 'oidc-token') },
  },
};

function useAdcFile(kind: string): void {
  const file = path.join(dir, `${kind}.json`);
  writeFileSync(file, JSON.stringify(ADC_FILES[kind]));
  process.env.GOOGLE_APPLICATION_CREDENTIALS = file;
}

before(async () => {
  emulator = await startCloudFunctionsForTest({ functions: [], services: [{ name: 'web', region: TEST_REGION }] });
});
after(async () => {
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the ADC kind is what google-auth-library resolved: metadata server, key, impersonated, user, federation', async () => {
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  assert.equal(await credentialKind(new GoogleAuth()), 'metadata-server', 'the emulator metadata server');
  for (const kind of Object.keys(ADC_FILES)) {
    useAdcFile(kind);
    assert.equal(await credentialKind(new GoogleAuth()), kind, `an ADC file of type ${(ADC_FILES[kind] as { type: string }).type}`);
  }
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
});

test('accepted kinds raise no problem; the others an error that says what to do', () => {
  for (const kind of ['metadata-server', 'service-account-key', 'impersonated'] as const) assert.deepEqual(credentialProblems(kind, 't'), []);
  const [userProblem] = credentialProblems('user', 'cloud-run target t');
  assert.equal(userProblem?.severity, 'error');
  assert.match(userProblem?.message ?? '', /^cloud-run target t: auth: id-token cannot use user credentials/);
  assert.match(userProblem?.message ?? '', /--impersonate-service-account=SA_EMAIL/);
  assert.match(userProblem?.message ?? '', /gcloud auth print-identity-token. cannot be refreshed/);
  const [federation] = credentialProblems('external-account', 't');
  assert.match(federation?.message ?? '', /workload identity federation.*impersonate a service account/);
  assert.equal(credentialProblems('other', 't')[0]?.severity, 'error');
});

test('a target with user credentials and auth: id-token is refused in prepare(), before any API call', async () => {
  useAdcFile('user');
  try {
    const ctx = testContext();
    const adapter = new CloudRunAdapter(cloudRunTarget(emulator, 'web'), ctx);
    await assert.rejects(adapter.prepare(), (err: unknown) => {
      assert.ok(err instanceof TargetFailure);
      assert.match(err.message, /^cloud-run target run-web: auth: id-token cannot use user credentials/);
      return true;
    });
    assert.deepEqual(emulator.serviceUpdates('web'), []);
    assert.deepEqual(ctx.entries, []);
    await adapter.close();
  } finally {
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  }
});

test('the ID-token audience is the origin: no path, no query, no trailing slash', () => {
  assert.equal(idTokenAudience('https://hello-abc-uc.a.run.app/api/v1/items?limit=5'), 'https://hello-abc-uc.a.run.app');
  assert.equal(idTokenAudience('https://hello-abc-uc.a.run.app/'), 'https://hello-abc-uc.a.run.app');
  assert.equal(idTokenAudience('http://127.0.0.1:8080/x'), 'http://127.0.0.1:8080');
});
