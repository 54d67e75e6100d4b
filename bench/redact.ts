// Secrets never reach an output: values from ${VAR} and credential-bearing headers are replaced.

export const REDACTED = '[redacted]';

const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token|x-amz-security-token|x-goog-api-key)$|token|secret|password|api[-_]?key/i;

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}

/** Headers with credential-bearing values replaced (for echoing a configuration). */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = isCredentialHeader(name) ? REDACTED : value;
  return out;
}

/** Replace every occurrence of every secret (longest first, so a secret containing another goes whole).
 *  Also covers the JSON-escaped form of a secret, as it appears inside results.json. */
export function redactText(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < 4) continue; // too short to be a credential; replacing it would shred the output
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  let out = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
  return out;
}
