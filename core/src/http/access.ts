import { timingSafeEqual } from 'node:crypto';
import { AapiError } from '../errors.js';
import type { Access, TokenService } from '../tokens/index.js';
import { tokenAllows } from '../tokens/index.js';

/** What a request's credentials allow on one repository. */
export type AccessDecision = 'granted' | 'missing' | 'denied';

/** The challenge that makes pip, helm, go, dnf and npm retry with the credentials they hold. */
export const BASIC_CHALLENGE = 'Basic realm="artifactapi"';

export interface AccessDeps {
  adminToken: string | undefined;
  tokens: TokenService;
}

/**
 * The secret an Authorization header presents: a Bearer token, or the password of Basic
 * credentials (any user name, as pip, docker and twine send it). Undefined when there is none.
 */
export function presentedSecret(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  if (space < 0) return undefined;
  const scheme = trimmed.slice(0, space).toLowerCase();
  const value = trimmed.slice(space + 1).trim();
  if (scheme === 'bearer') return value === '' ? undefined : value;
  if (scheme !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  return password === '' ? undefined : password;
}

/** Whether `secret` is the admin token, compared in constant time. */
export function isAdminSecret(secret: string | undefined, adminToken: string | undefined): boolean {
  if (secret === undefined || adminToken === undefined) return false;
  const left = Buffer.from(secret);
  const right = Buffer.from(adminToken);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The admin token may do anything; a named token what its scopes say; an unknown, revoked or expired one nothing. */
export async function decideAccess(deps: AccessDeps, authorization: string | undefined, repo: string, access: Access): Promise<AccessDecision> {
  const secret = presentedSecret(authorization);
  if (secret === undefined) return 'missing';
  if (isAdminSecret(secret, deps.adminToken)) return 'granted';
  const token = await deps.tokens.find(secret);
  return token && tokenAllows(token, repo, access) ? 'granted' : 'denied';
}

/** Throws the product's 401 (with `challenge`) or 403 unless the decision grants access. */
export function enforce(decision: AccessDecision, repo: string, access: Access, challenge = BASIC_CHALLENGE): void {
  if (decision === 'granted') return;
  if (decision === 'missing') {
    throw new AapiError('AAPI_ERR_AUTH_REQUIRED', `${repo} needs a token with ${access} access`, { headers: { 'www-authenticate': challenge } });
  }
  throw new AapiError('AAPI_ERR_AUTH_FORBIDDEN', `the credentials do not allow ${access} on ${repo}`);
}

/** Whether the header presents valid credentials at all: the admin token or a live named token. */
export async function isAuthenticated(deps: AccessDeps, authorization: string | undefined): Promise<boolean> {
  const secret = presentedSecret(authorization);
  if (secret === undefined) return false;
  return isAdminSecret(secret, deps.adminToken) || (await deps.tokens.find(secret)) !== undefined;
}
