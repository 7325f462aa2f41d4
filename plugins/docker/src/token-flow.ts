import { createHash } from 'node:crypto';
import type { Challenge } from './auth-challenge.js';

/**
 * The registry token flow (distribution docs/spec/auth/token.md) as pure steps: which scope to
 * ask for, the token request to send, what the answer means and until when it may be reused.
 * The HTTP calls belong to the core's upstream client; nothing here does I/O.
 */

/** Tokens without `expires_in` live 60 s (the spec's default, and its minimum). */
export const DEFAULT_TOKEN_SECONDS = 60;
/** A token is renewed this long before it expires, so a request never leaves with a dying one. */
export const EXPIRY_MARGIN_SECONDS = 10;

export interface TokenRequest {
  /** `realm?service=…&scope=…&scope=…` */
  url: string;
  /** `Authorization` to send with it: Basic for configured credentials, none for anonymous. */
  headers: Record<string, string>;
}

export interface Credentials {
  username: string;
  password: string;
}

export interface Token {
  token: string;
  /** Epoch milliseconds after which the token must not be sent. */
  expiresAt: number;
}

/** `repository:<name>:pull`, the scope a pull needs; `actions` for a push or a mount source. */
export function repositoryScope(image: string, actions: readonly string[] = ['pull']): string {
  return `repository:${image}:${actions.join(',')}`;
}

/**
 * The scopes to ask for: the challenge's own (space-separated, as servers send several) plus
 * `wanted`, each once, sorted so the same set always gives the same cache key.
 */
export function scopesFor(challenge: Challenge, wanted: readonly string[] = []): string[] {
  const fromChallenge = (challenge.params.scope ?? '').split(' ').filter((s) => s !== '');
  return [...new Set([...fromChallenge, ...wanted])].sort();
}

/**
 * The GET that fetches a token for a Bearer challenge. Throws when the realm is not an absolute
 * http(s) URL: the realm comes from the upstream, and the proxy sends credentials to it.
 */
export function tokenRequest(challenge: Challenge, scopes: readonly string[], credentials?: Credentials): TokenRequest {
  const realm = challenge.params.realm;
  if (realm === undefined) throw new Error('Bearer challenge has no realm');
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new Error(`Bearer realm is not a URL: ${realm}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`Bearer realm must be http(s), got ${url.protocol}`);
  if (challenge.params.service !== undefined) url.searchParams.set('service', challenge.params.service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  return { url: url.toString(), headers: credentials ? { authorization: basicAuthorization(credentials) } : {} };
}

/** `Basic base64(user:password)`, for a Basic challenge and for the token request. */
export function basicAuthorization({ username, password }: Credentials): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * The token in a token response body (`token`, or OAuth2's `access_token`) and when it expires.
 * The lifetime counts from `issued_at` or from `receivedAt`, whichever is earlier, so an auth
 * server whose clock runs ahead cannot make the proxy keep a token past its end.
 */
export function parseTokenResponse(body: unknown, receivedAt: number): Token {
  if (typeof body !== 'object' || body === null) throw new Error('token response is not a JSON object');
  const b = body as Record<string, unknown>;
  const token = typeof b.token === 'string' && b.token !== '' ? b.token : typeof b.access_token === 'string' && b.access_token !== '' ? b.access_token : undefined;
  if (token === undefined) throw new Error('token response has neither token nor access_token');
  const seconds = typeof b.expires_in === 'number' && Number.isFinite(b.expires_in) && b.expires_in >= DEFAULT_TOKEN_SECONDS ? b.expires_in : DEFAULT_TOKEN_SECONDS;
  const issued = typeof b.issued_at === 'string' ? Date.parse(b.issued_at) : Number.NaN;
  const start = Number.isFinite(issued) ? Math.min(issued, receivedAt) : receivedAt;
  const margin = Math.min(EXPIRY_MARGIN_SECONDS, seconds / 2);
  return { token, expiresAt: start + (seconds - margin) * 1000 };
}

/** True while `token` may still be sent. */
export function isFresh(token: Token, now: number): boolean {
  return now < token.expiresAt;
}

/**
 * The key under which a token is cached and shared across replicas: realm, service, scope set
 * and who asked. Credentials enter only as a hash, so the key can sit in Redis.
 */
export function tokenCacheKey(challenge: Challenge, scopes: readonly string[], credentials?: Credentials): string {
  const who = credentials ? createHash('sha256').update(`${credentials.username}\0${credentials.password}`).digest('hex').slice(0, 16) : 'anonymous';
  const realm = challenge.params.realm ?? '';
  const service = challenge.params.service ?? '';
  return `docker-token:${who}:${service}:${[...scopes].sort().join(' ')}@${realm}`;
}
