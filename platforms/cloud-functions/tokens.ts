// Credentials of the emulated Google platform: OAuth access tokens (opaque, for the v2 API) and
// Google-style ID tokens (RS256 JWTs with aud/exp/iss, for invoking functions). The metadata
// server issues both; the API and the function front check them, as Google does. Each token is
// minted for a principal, whose granted roles and permissions the API and the fronts enforce.
import { createSign, createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { Grants } from './grants.js';

export const SERVICE_ACCOUNT_EMAIL = 'coldbench-emulator@coldbench-local.iam.gserviceaccount.com';
const ISSUER = 'https://accounts.google.com';

export interface IdTokenClaims {
  aud: string;
  azp: string;
  email: string;
  email_verified: boolean;
  exp: number;
  iat: number;
  iss: string;
  sub: string;
}

export type IdTokenCheck = { ok: true; claims: IdTokenClaims } | { ok: false; reason: string };

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export class TokenAuthority {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly keyId = randomBytes(8).toString('hex');
  /** access token -> expiry (epoch ms) and the principal it was minted for */
  private readonly accessTokens = new Map<string, { expiry: number; principal: string }>();
  /** principal -> what it was granted (absent: everything, as a project owner) */
  private readonly grants = new Map<string, Grants>();
  /** Every audience an ID token was issued for, in order (for tests and the log). */
  readonly issuedAudiences: string[] = [];

  constructor(
    /** Lifetime of issued tokens in seconds (Google: 3600). */
    private readonly ttlSeconds = 3600,
  ) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  issueAccessToken(principal = SERVICE_ACCOUNT_EMAIL): { access_token: string; expires_in: number; token_type: 'Bearer' } {
    const token = `ya29.emulator-${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(token, { expiry: Date.now() + this.ttlSeconds * 1000, principal });
    return { access_token: token, expires_in: this.ttlSeconds, token_type: 'Bearer' };
  }

  /** The principal a valid access token was minted for; null for an unknown or expired token. */
  principalOf(token: string): string | null {
    const entry = this.accessTokens.get(token);
    return entry !== undefined && entry.expiry > Date.now() ? entry.principal : null;
  }

  /** Grant roles (roles/run.viewer) and permissions to a principal; null: everything (the default). */
  grant(principal: string, granted: readonly string[] | null): void {
    if (granted === null) this.grants.delete(principal);
    else this.grants.set(principal, new Grants(granted));
  }

  grantsOf(principal: string): Grants {
    return this.grants.get(principal) ?? new Grants(null);
  }

  issueIdToken(audience: string): string {
    const now = Math.floor(Date.now() / 1000);
    const claims: IdTokenClaims = {
      aud: audience,
      azp: '100000000000000000000',
      email: SERVICE_ACCOUNT_EMAIL,
      email_verified: true,
      exp: now + this.ttlSeconds,
      iat: now,
      iss: ISSUER,
      sub: '100000000000000000000',
    };
    const header = { alg: 'RS256', kid: this.keyId, typ: 'JWT' };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(this.privateKey);
    this.issuedAudiences.push(audience);
    return `${signingInput}.${base64url(signature)}`;
  }

  /** Signature, issuer, expiry; the audience is checked by the caller (it knows its URL). */
  verifyIdToken(token: string): IdTokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'not a JWT' };
    const [head, body, signature] = parts as [string, string, string];
    let header: { alg?: string; kid?: string };
    let claims: IdTokenClaims;
    try {
      header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed JWT' };
    }
    if (header.alg !== 'RS256' || header.kid !== this.keyId) return { ok: false, reason: 'unknown signing key' };
    const valid = createVerify('RSA-SHA256').update(`${head}.${body}`).verify(this.publicKey, Buffer.from(signature, 'base64url'));
    if (!valid) return { ok: false, reason: 'bad signature' };
    if (claims.iss !== ISSUER) return { ok: false, reason: 'wrong issuer' };
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }
}
