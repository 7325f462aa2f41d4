import type { FastifyRequest } from 'fastify';
import { AapiError } from '../../errors.js';
import { isAdmin } from '../auth.js';

/**
 * The management API's admin check: `Authorization: Bearer <admin_token>`, or `?token=` where a
 * client cannot set headers (EventSource). Missing → 401, wrong → 403; with no admin token
 * configured nothing can authenticate, so every request is 403.
 */
export function requireApiAdmin(request: FastifyRequest, adminToken: string | undefined, allowQueryToken = false): void {
  if (!adminToken) {
    throw new AapiError('AAPI_ERR_AUTH_FORBIDDEN', 'the management API is off: no admin token is configured (set auth.admin_token or ADMIN_TOKEN)');
  }
  const queryToken = allowQueryToken ? (request.query as { token?: unknown } | undefined)?.token : undefined;
  if (typeof queryToken === 'string' && queryToken !== '') {
    // Same comparison as the header: presented as a Bearer token.
    const asHeader = { headers: { authorization: `Bearer ${queryToken}` } } as FastifyRequest;
    if (isAdmin(asHeader, adminToken)) return;
    throw new AapiError('AAPI_ERR_AUTH_FORBIDDEN', 'invalid credentials');
  }
  if (!request.headers.authorization) {
    throw new AapiError('AAPI_ERR_AUTH_REQUIRED', 'send Authorization: Bearer <admin token>', {
      headers: { 'www-authenticate': 'Bearer realm="artifactapi"' },
    });
  }
  if (!isAdmin(request, adminToken)) throw new AapiError('AAPI_ERR_AUTH_FORBIDDEN', 'invalid credentials');
}
