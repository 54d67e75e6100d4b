// Secrets never reach an output: values from ${VAR}, credential-bearing headers and URL
// credentials (user:password@, token query parameters) are replaced wherever they would appear.

export const REDACTED = '[redacted]';

const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token|x-amz-security-token|x-goog-api-key)$|token|secret|password|api[-_]?key/i;

/** Query parameters that carry credentials (OAuth tokens, API keys, presigned-URL signatures). */
const CREDENTIAL_PARAM = /token|secret|passw|pwd|api[-_]?key|^key$|^sig(nature)?$|^x-amz-(signature|credential|security-token)$|^auth|session|^code$/i;

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}

/** Headers with credential-bearing values replaced (for echoing a configuration). */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = isCredentialHeader(name) ? REDACTED : value;
  return out;
}

/** The credential parts of a header value: the whole value, the token after an auth scheme, cookie values. */
function headerCredentials(name: string, value: string): string[] {
  const out = [value];
  const scheme = /^(bearer|basic|token|digest|apikey|aws4-hmac-sha256)\s+(.+)$/i.exec(value.trim());
  if (scheme?.[2]) out.push(scheme[2]);
  if (/cookie/i.test(name)) for (const part of value.split(';')) out.push(part.slice(part.indexOf('=') + 1).trim());
  return out;
}

/** The credential parts of a URL: password (and user:password), credential query parameter values. */
function urlCredentials(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const out: string[] = [];
  if (parsed.password) out.push(parsed.password, decodeSafe(parsed.password), `${parsed.username}:${parsed.password}`);
  for (const [name, value] of parsed.searchParams) {
    if (CREDENTIAL_PARAM.test(name) && value) out.push(value, encodeURIComponent(value));
  }
  return out;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Literal credentials in a target's configuration (not only those from ${VAR}): credential
 *  header values and the credentials in its URL fields (`urlFields`: every field the target schema
 *  builds from its URL type, CREDENTIAL_URL_FIELDS in config/schema.ts). They join the run's secret
 *  set, so they are redacted from every output like ${VAR} values are. */
export function literalCredentials(target: { headers?: Record<string, string> }, urlFields: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(target.headers ?? {})) if (isCredentialHeader(name)) out.push(...headerCredentials(name, value));
  for (const [key, value] of Object.entries(target)) {
    if (urlFields.has(key) && typeof value === 'string') out.push(...urlCredentials(value));
  }
  return out.filter((s) => s.length >= MIN_SECRET_LENGTH);
}

/** Shorter values are not treated as credentials; replacing them would shred the output. */
const MIN_SECRET_LENGTH = 4;

/** Values that cannot be credentials worth hiding, only data: short numbers (ports, counts) would
 *  otherwise be cut out of every latency and every JSON number. */
function isRedactable(secret: string): boolean {
  return secret.length >= MIN_SECRET_LENGTH && !/^\d{1,6}$/.test(secret) && !/^(true|false|null)$/i.test(secret);
}

/** Replace every occurrence of every secret (longest first, so a secret containing another goes whole).
 *  Also covers the JSON-escaped form of a secret, as it appears inside results.json. */
export function redactText(text: string, secrets: Iterable<string>): string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!isRedactable(s)) continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  let out = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
  return out;
}

/** A deep copy with every string redacted (keys and numbers left alone, so JSON stays valid and
 *  numbers stay numbers). For records written before any renderer escapes them (checkpoint, results). */
export function redactDeep<T>(value: T, secrets: Iterable<string>): T {
  const list = [...secrets].filter(isRedactable);
  if (list.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactText(v, list);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item)]));
    return v;
  };
  return walk(value) as T;
}

/** Progress/log output with secrets replaced (error messages can quote URLs and command output). */
export function redactingProgress<P extends { log(m: string): void; status(m: string): void; done(): void }>(progress: P, secrets: Iterable<string>): P {
  const list = [...secrets];
  if (list.length === 0) return progress;
  return { ...progress, log: (m: string) => progress.log(redactText(m, list)), status: (m: string) => progress.status(redactText(m, list)), done: () => progress.done() };
}
