import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AapiError } from '../errors.js';

/**
 * Requires `Authorization: Bearer <admin_token>` (or Basic with the token as password, as docker
 * clients send). No token configured → 403 `AAPI_ERR_UPLOADS_DISABLED` for every request, with or
 * without credentials (asking for a token that cannot exist only sends users looking for it);
 * else missing credentials → 401, wrong ones → 403.
 */
export function requireAdmin(request: FastifyRequest, adminToken: string | undefined): void {
  if (!adminToken) {
    throw new AapiError('AAPI_ERR_UPLOADS_DISABLED', 'no admin token is configured; set auth.admin_token (or ADMIN_TOKEN) to enable PUT and DELETE');
  }
  const header = request.headers.authorization;
  if (!header) {
    throw new AapiError('AAPI_ERR_AUTH_REQUIRED', 'send Authorization: Bearer <admin token>', {
      headers: { 'www-authenticate': 'Bearer realm="artifactapi"' },
    });
  }
  if (!sameSecret(presentedToken(header), adminToken)) throw new AapiError('AAPI_ERR_AUTH_FORBIDDEN', 'invalid credentials');
}

/** Whether the request carries the admin token (Bearer, or Basic with it as the password); false when none is configured. */
export function isAdmin(request: FastifyRequest, adminToken: string | undefined): boolean {
  const header = request.headers.authorization;
  return header !== undefined && adminToken !== undefined && sameSecret(presentedToken(header), adminToken);
}

function presentedToken(header: string): string {
  const space = header.indexOf(' ');
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return value;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return '';
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
