// SigV4 for requests to a Function URL whose AuthType is AWS_IAM (service `lambda`, the function's
// region), with the AWS SDK's own signer and the standard credential chain. The chain is memoized
// and refreshes temporary credentials before they expire; each signing asks it again.
// A signature covers the date (valid about five minutes at AWS) and the body's hash, and no nonce:
// the same signed headers are valid for every identical request in that window. So headers are
// signed before a phase's clock starts and re-signed on a timer well inside the window
// (SIGNATURE_REFRESH_MS) while a warm engine runs: every request carries a fresh enough signature
// and no signing happens inside a timed request.
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { isLoopbackEndpoint, localPlaceholderCredentials } from './lambda-client.js';

/** A fifth of AWS's five-minute window: a signature in use is never older than this. */
export const SIGNATURE_REFRESH_MS = 60_000;

export interface RequestToSign {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface UrlSigner {
  /** The request's headers plus host, x-amz-date, x-amz-content-sha256, (x-amz-security-token) and authorization. */
  sign(request: RequestToSign): Promise<Record<string, string>>;
}

/** The standard chain, or the emulator's placeholder identity for a local API and URL when no AWS
 *  identity is configured (the same rule as the API client's). */
export function urlCredentials(endpoint: string | undefined, url: string, env: NodeJS.ProcessEnv = process.env): AwsCredentialIdentityProvider {
  const placeholder = isLoopbackEndpoint(url) ? localPlaceholderCredentials(endpoint, env) : undefined;
  return placeholder ? async () => placeholder : defaultProvider();
}

/** Null when the chain yields credentials, else why not (for a finding before anything runs). */
export async function credentialsProblem(credentials: AwsCredentialIdentityProvider): Promise<string | null> {
  try {
    await credentials();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** name=value pairs of a query string, percent-decoded (a `+` stays a `+`, as on the wire). */
function queryOf(search: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq === -1 ? part : part.slice(0, eq));
    const value = decode(eq === -1 ? '' : part.slice(eq + 1));
    const seen = query[key];
    query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return query;
}

export function createUrlSigner(region: string, credentials: AwsCredentialIdentityProvider): UrlSigner {
  const signer = new SignatureV4({ service: 'lambda', region, credentials, sha256: Sha256, applyChecksum: true });
  return {
    async sign(request) {
      const url = new URL(request.url);
      const signed = await signer.sign({
        method: request.method.toUpperCase(),
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query: queryOf(url.search),
        // Host as the HTTP clients will send it (autocannon would otherwise add the default port).
        headers: { ...Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'host')), host: url.host },
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
      return { ...signed.headers };
    },
  };
}
