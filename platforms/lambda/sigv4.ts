// AWS Signature Version 4 verification (the Authorization-header form) for the emulator's Function
// URL front, written from the specification (AWS IAM User Guide, "Create a signed AWS API request":
// canonical request, string to sign, signing key) and checked against the published test suite's
// vectors (test/lambda-sigv4-verify.test.ts). It deliberately shares no code with the SDK signer the
// adapter uses: a verifier built on the signer would accept whatever the signer got wrong.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SigningCredential {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials: the request must carry this as X-Amz-Security-Token. */
  sessionToken?: string;
}

export interface SignedRequestInput {
  method: string;
  /** Path and query exactly as received on the wire (req.url). */
  rawUrl: string;
  /** Alternating names and values as received (req.rawHeaders). */
  rawHeaders: string[];
  body: Buffer;
  /** What the signature must be scoped to. */
  region: string;
  service: string;
  now: Date;
  /** How far X-Amz-Date may be from now (AWS: five minutes). */
  windowMs: number;
}

/** Why a request was refused, as AWS names it (x-amzn-ErrorType) and words it. */
export type SignatureVerdict =
  | { ok: true; accessKeyId: string }
  | { ok: false; errorType: 'AccessDeniedException' | 'IncompleteSignatureException' | 'InvalidSignatureException' | 'UnrecognizedClientException'; message: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 percent-encoding of everything but the unreserved characters A-Z a-z 0-9 - _ . ~ */
export function uriEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Normalised path (dot segments resolved, empty segments dropped), each wire segment encoded once
 *  more: the spec's "encoded twice" for services other than S3, counting the client's own encoding. */
function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  if (segments.length === 0) return '/';
  return `/${segments.map(uriEncode).join('/')}${path.endsWith('/') ? '/' : ''}`;
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs = query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const key = eq === -1 ? part : part.slice(0, eq);
      const value = eq === -1 ? '' : part.slice(eq + 1);
      return [uriEncode(decode(key)), uriEncode(decode(value))] as const;
    });
  pairs.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function headerValues(rawHeaders: string[]): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const list = values.get(name) ?? [];
    list.push((rawHeaders[i + 1] ?? '').trim().replace(/\s+/g, ' '));
    values.set(name, list);
  }
  return values;
}

interface AuthorizationFields {
  accessKeyId: string;
  scope: { date: string; region: string; service: string; terminator: string };
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(header: string): AuthorizationFields | string {
  if (!header.startsWith(`${ALGORITHM} `)) return `Unsupported authorization type; expected ${ALGORITHM}.`;
  const params = new Map<string, string>();
  for (const part of header.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = params.get('Credential');
  const signedHeaders = params.get('SignedHeaders');
  const signature = params.get('Signature');
  for (const [name, value] of [['Credential', credential], ['SignedHeaders', signedHeaders], ['Signature', signature]] as const) {
    if (!value) return `Authorization header requires '${name}' parameter. Authorization=${header.split(' ')[0]}`;
  }
  const [accessKeyId, date, region, service, terminator, ...rest] = (credential ?? '').split('/');
  if (!accessKeyId || !date || !region || !service || !terminator || rest.length > 0) return `Credential should be scoped to a valid region, service and date. Credential=${credential}`;
  return { accessKeyId, scope: { date, region, service, terminator }, signedHeaders: (signedHeaders ?? '').split(';'), signature: signature ?? '' };
}

/** 20150830T123600Z -> Date, or null when it is not that form. */
function parseAmzDate(text: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0));
}

const amzDate = (date: Date) => date.toISOString().replace(/[-:]|\.\d{3}/g, '');

/** Check one request's SigV4 signature against the known credentials. */
export function verifySignature(input: SignedRequestInput, credentials: ReadonlyMap<string, SigningCredential>): SignatureVerdict {
  const headers = headerValues(input.rawHeaders);
  const authorization = headers.get('authorization')?.[0];
  if (!authorization) return { ok: false, errorType: 'AccessDeniedException', message: 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html' };
  const auth = parseAuthorization(authorization);
  if (typeof auth === 'string') return { ok: false, errorType: 'IncompleteSignatureException', message: auth };
  const dateHeader = headers.get('x-amz-date')?.[0];
  const signedAt = dateHeader ? parseAmzDate(dateHeader) : null;
  if (!dateHeader || !signedAt || !auth.signedHeaders.includes('x-amz-date') || !auth.signedHeaders.includes('host')) {
    return { ok: false, errorType: 'IncompleteSignatureException', message: 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header, signed together with \'host\'.' };
  }
  if (auth.scope.date !== dateHeader.slice(0, 8) || auth.scope.terminator !== 'aws4_request') {
    return { ok: false, errorType: 'InvalidSignatureException', message: `Credential should be scoped to a valid date and terminator: ${auth.scope.date}/${auth.scope.terminator}.` };
  }
  if (auth.scope.region !== input.region) return { ok: false, errorType: 'InvalidSignatureException', message: `Credential should be scoped to a valid region. ` };
  if (auth.scope.service !== input.service) return { ok: false, errorType: 'InvalidSignatureException', message: `Credential should be scoped to correct service: '${input.service}'. ` };
  const skew = input.now.getTime() - signedAt.getTime();
  // AWS words it in minutes ("- 5 min."); a test's shorter window in seconds.
  const window = input.windowMs % 60_000 === 0 ? `${input.windowMs / 60_000} min.` : `${input.windowMs / 1000} s.`;
  if (skew > input.windowMs) {
    return { ok: false, errorType: 'InvalidSignatureException', message: `Signature expired: ${dateHeader} is now earlier than ${amzDate(new Date(input.now.getTime() - input.windowMs))} (${amzDate(input.now)} - ${window})` };
  }
  if (-skew > input.windowMs) {
    return { ok: false, errorType: 'InvalidSignatureException', message: `Signature not yet current: ${dateHeader} is still later than ${amzDate(new Date(input.now.getTime() + input.windowMs))} (${amzDate(input.now)} + ${window})` };
  }
  const credential = credentials.get(auth.accessKeyId);
  if (!credential) return { ok: false, errorType: 'UnrecognizedClientException', message: INVALID_TOKEN };
  const token = headers.get('x-amz-security-token')?.[0];
  if ((credential.sessionToken ?? null) !== (token ?? null)) return { ok: false, errorType: 'UnrecognizedClientException', message: INVALID_TOKEN };

  const queryAt = input.rawUrl.indexOf('?');
  const path = queryAt === -1 ? input.rawUrl : input.rawUrl.slice(0, queryAt);
  const query = queryAt === -1 ? '' : input.rawUrl.slice(queryAt + 1);
  const signedHeaders = [...auth.signedHeaders].sort();
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${(headers.get(name) ?? []).join(',')}\n`).join('');
  const canonicalRequest = [input.method.toUpperCase(), canonicalUri(path), canonicalQuery(query), canonicalHeaders, signedHeaders.join(';'), sha256Hex(input.body)].join('\n');
  const scope = `${auth.scope.date}/${auth.scope.region}/${auth.scope.service}/aws4_request`;
  const stringToSign = [ALGORITHM, dateHeader, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credential.secretAccessKey}`, auth.scope.date), auth.scope.region), auth.scope.service), 'aws4_request');
  const expected = Buffer.from(hmac(key, stringToSign).toString('hex'));
  const given = Buffer.from(auth.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, errorType: 'InvalidSignatureException', message: MISMATCH };
  return { ok: true, accessKeyId: auth.accessKeyId };
}
