// Google credentials for both Google kinds: Application Default Credentials for the APIs, and ID
// tokens for calling a private service. The token's audience is the service URL's origin (scheme
// and host): Cloud Run refuses an audience with a path or query (401), whatever path the request
// has. Which credential types can mint a token Cloud Run accepts is in docs/platforms.md ("ID
// tokens"); the check below says what to do for the others before anything is changed.
import type { AuthClient, GoogleAuth } from 'google-auth-library';
import { problemError, type Problem } from './problems.js';

/** Application Default Credentials (env key file, gcloud ADC file, or the metadata server). */
export async function createAuth(): Promise<GoogleAuth> {
  const { GoogleAuth: Auth } = await import('google-auth-library');
  return new Auth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
}

/** The audience of the ID token for calls to `url`: its origin, never its path or query. */
export function idTokenAudience(url: string): string {
  return new URL(url).origin;
}

/** What Application Default Credentials resolved to, as far as ID tokens go. */
export type CredentialKind = 'metadata-server' | 'service-account-key' | 'impersonated' | 'user' | 'external-account' | 'other';

/** Read-only: which kind of credentials ADC found (on Google Cloud this asks the metadata server). */
export async function credentialKind(auth: GoogleAuth): Promise<CredentialKind> {
  const library = await import('google-auth-library');
  const client: AuthClient = await auth.getClient();
  if (client instanceof library.Compute) return 'metadata-server';
  if (client instanceof library.JWT) return 'service-account-key';
  if (client instanceof library.Impersonated) return 'impersonated';
  if (client instanceof library.UserRefreshClient) return 'user';
  if (client instanceof library.BaseExternalAccountClient || client instanceof library.ExternalAccountAuthorizedUserClient) return 'external-account';
  return 'other';
}

const IMPERSONATE = 'impersonate a service account that has roles/run.invoker (`gcloud auth application-default login --impersonate-service-account=SA_EMAIL`), use a service-account key (GOOGLE_APPLICATION_CREDENTIALS), or run where a metadata server is (Compute Engine, GKE, Cloud Run, Cloud Build)';

/** Problems of `auth: id-token` with these credentials (an error stops the target before any change). */
export function credentialProblems(kind: CredentialKind, subject: string): Problem[] {
  switch (kind) {
    case 'metadata-server':
    case 'service-account-key':
    case 'impersonated':
      return [];
    case 'user':
      return [
        problemError(
          `${subject}: auth: id-token cannot use user credentials (gcloud auth application-default login): Google issues them ID tokens whose audience is the OAuth client, not the service, which Cloud Run documents for development only; ${IMPERSONATE}. A token from \`gcloud auth print-identity-token\` cannot be refreshed by coldbench (it expires after an hour)`,
        ),
      ];
    case 'external-account':
      return [problemError(`${subject}: auth: id-token cannot use workload identity federation credentials: google-auth-library cannot mint ID tokens from them; ${IMPERSONATE}`)];
    case 'other':
      return [problemError(`${subject}: auth: id-token needs credentials that can mint ID tokens; ${IMPERSONATE}`)];
  }
}
