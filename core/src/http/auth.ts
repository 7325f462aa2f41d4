import type { FastifyRequest } from 'fastify';
import { AapiError } from '../errors.js';
import { decideAccess, isAdminSecret, presentedSecret, type AccessDeps } from './access.js';

/**
 * Requires the admin token or a named token with `write` on `repo` (DESIGN §9, §10), as a Bearer
 * token or the password of Basic credentials (as docker clients send). No admin token configured
 * → 403 `AAPI_ERR_UPLOADS_DISABLED` for every request, with or without credentials (no token can
 * have been issued, and asking for one that cannot exist only sends users looking for it); else
 * missing credentials → 401, wrong or insufficient ones → 403.
 */
export async function requireWrite(request: FastifyRequest, deps: AccessDeps, repo: string): Promise<void> {
  if (!deps.adminToken) {
    throw new AapiError('AAPI_ERR_UPLOADS_DISABLED', 'no admin token is configured; set auth.admin_token (or ADMIN_TOKEN) to enable PUT and DELETE');
  }
  const decision = await decideAccess(deps, request.headers.authorization, repo, 'write');
  if (decision === 'missing') {
    throw new AapiError('AAPI_ERR_AUTH_REQUIRED', 'send Authorization: Bearer <admin token or a token with write access>', {
      headers: { 'www-authenticate': 'Bearer realm="artifactapi"' },
    });
  }
  if (decision === 'denied') throw new AapiError('AAPI_ERR_AUTH_FORBIDDEN', `the credentials do not allow write on ${repo}`);
}

/** Whether the request carries the admin token (Bearer, or Basic with it as the password); false when none is configured. */
export function isAdmin(request: FastifyRequest, adminToken: string | undefined): boolean {
  return isAdminSecret(presentedSecret(request.headers.authorization), adminToken);
}
