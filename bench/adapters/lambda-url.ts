// What a lambda target's `url` is, read before anything is changed: `url: auto` is looked up with
// GetFunctionUrlConfig for the target's qualifier; a given URL is matched against the function's
// URL configurations (ListFunctionUrlConfigs) to learn its AuthType and the qualifier it invokes.
// Read-only; the findings about it are made in lambda-checks.ts.
import { GetFunctionUrlConfigCommand, paginateListFunctionUrlConfigs, type LambdaClient } from '@aws-sdk/client-lambda';
import { describeSdkError } from './lambda-client.js';
import type { ResolvedFunction } from './lambda-target.js';

export type UrlAuthType = 'AWS_IAM' | 'NONE';

export interface FunctionUrlInfo {
  url: string;
  authType: UrlAuthType;
  /** The alias the URL invokes ($LATEST when its FunctionArn has none). */
  qualifier: string;
}

export type UrlReading =
  /** The target has no `url`: the warm phase invokes through the API. */
  | { kind: 'none' }
  /** The URL to load and what it is (given and matched, or looked up). */
  | { kind: 'found'; url: string; info: FunctionUrlInfo; requested: 'auto' | 'given' }
  /** `url: auto`, and the function has no URL for the target's qualifier. */
  | { kind: 'missing'; qualifier: string; others: FunctionUrlInfo[] }
  /** A given URL that is none of the function's URLs (a custom domain, another function...). */
  | { kind: 'unmatched'; url: string; known: FunctionUrlInfo[] }
  /** The URL configuration could not be read (permissions, throttling). */
  | { kind: 'unreadable'; url: string; error: string };

export const LATEST = '$LATEST';

/** The qualifier a FunctionArn names ($LATEST when it names none). */
export function qualifierOfArn(arn: string | undefined): string {
  const parts = (arn ?? '').split(':');
  return parts.length >= 8 ? (parts[7] ?? LATEST) : LATEST;
}

function infoOf(config: { FunctionUrl?: string; AuthType?: string; FunctionArn?: string }): FunctionUrlInfo | null {
  if (!config.FunctionUrl || (config.AuthType !== 'AWS_IAM' && config.AuthType !== 'NONE')) return null;
  return { url: config.FunctionUrl, authType: config.AuthType, qualifier: qualifierOfArn(config.FunctionArn) };
}

/** Does `url` (a target's, possibly with a path or query) address the function URL `base`? */
export function urlMatches(url: string, base: string): boolean {
  const withSlash = (u: string) => (u.endsWith('/') ? u : `${u}/`);
  try {
    const a = new URL(url);
    const b = new URL(base);
    return a.origin === b.origin && withSlash(a.pathname).startsWith(withSlash(b.pathname));
  } catch {
    return false;
  }
}

async function listUrls(client: LambdaClient, fn: ResolvedFunction, signal: AbortSignal): Promise<FunctionUrlInfo[]> {
  const out: FunctionUrlInfo[] = [];
  for await (const page of paginateListFunctionUrlConfigs({ client }, { FunctionName: fn.functionName }, { abortSignal: signal })) {
    for (const config of page.FunctionUrlConfigs ?? []) {
      const info = infoOf(config);
      if (info) out.push(info);
    }
  }
  return out;
}

export async function readFunctionUrl(client: LambdaClient, fn: ResolvedFunction, url: string | undefined, signal: AbortSignal): Promise<UrlReading> {
  if (url === undefined) return { kind: 'none' };
  const qualifier = fn.qualifier ?? LATEST;
  try {
    if (url === 'auto') {
      try {
        const config = await client.send(new GetFunctionUrlConfigCommand({ FunctionName: fn.functionName, ...(fn.qualifier ? { Qualifier: fn.qualifier } : {}) }), { abortSignal: signal });
        const info = infoOf(config);
        if (info) return { kind: 'found', url: info.url, info, requested: 'auto' };
      } catch (err) {
        if (describeSdkError(err).name !== 'ResourceNotFoundException') throw err;
      }
      return { kind: 'missing', qualifier, others: await listUrls(client, fn, signal) };
    }
    const known = await listUrls(client, fn, signal);
    const info = known.find((k) => urlMatches(url, k.url));
    return info ? { kind: 'found', url, info, requested: 'given' } : { kind: 'unmatched', url, known };
  } catch (err) {
    const e = describeSdkError(err);
    return { kind: 'unreadable', url, error: `${e.name}: ${e.message}` };
  }
}
