import type { PluginReply, PluginRequest, RoutesContext } from '@artifactapi/plugin-sdk';
import { RegistryError } from './errors.js';
import { bearerChallenge } from './registry-headers.js';

/**
 * Who may push. Pulls are anonymous; writes to a local repository need the admin token, as a
 * Bearer token or as the password of Basic credentials (any user name). Registry clients only
 * send credentials after a challenge, and skopeo / containers-image only after one on `/v2/`, so
 * when the server is writable the ping challenges with a Bearer realm (`/v2/token`) that hands
 * out an anonymous token to anyone (pulls keep working) and the admin token itself to Basic admin
 * credentials: the client already holds it as its password, so nothing is disclosed.
 */

export const TOKEN_PATH = '/v2/token';
const SERVICE = 'artifactapi';
export const ANONYMOUS_TOKEN = 'anonymous';
const TOKEN_SECONDS = 3600;

function challenge(ctx: RoutesContext, request: PluginRequest, scope?: string): string {
  return bearerChallenge(`${ctx.publicOrigin(request)}${TOKEN_PATH}`, SERVICE, scope);
}

function authorization(request: PluginRequest): string | undefined {
  const value = request.headers.authorization;
  return Array.isArray(value) ? value[0] : value;
}

/** `GET /v2/`: 200, or 401 with the challenge when the server takes pushes and the client sent no credentials. */
export async function ping(ctx: RoutesContext, request: PluginRequest, reply: PluginReply): Promise<void> {
  const auth = authorization(request);
  const known = auth !== undefined && (/^bearer /i.test(auth) || ctx.isAdmin(request));
  if (ctx.writable && !known) {
    throw new RegistryError('UNAUTHORIZED', { headers: { 'www-authenticate': challenge(ctx, request) } });
  }
  await reply.status(200).header('content-type', 'application/json').send('{}');
}

/**
 * `GET /v2/token` (the distribution token spec's response): the admin token for Basic admin
 * credentials, an anonymous token without credentials, 401 for wrong ones.
 */
export async function issueToken(ctx: RoutesContext, request: PluginRequest, reply: PluginReply): Promise<void> {
  const auth = authorization(request);
  let token = ANONYMOUS_TOKEN;
  if (auth !== undefined) {
    const basic = /^basic\s+(.+)$/i.exec(auth.trim());
    if (!basic || !ctx.isAdmin(request)) {
      throw new RegistryError('UNAUTHORIZED', { message: 'invalid credentials', headers: { 'www-authenticate': 'Basic realm="artifactapi"' } });
    }
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    token = decoded.slice(decoded.indexOf(':') + 1);
  }
  const body = { token, access_token: token, expires_in: TOKEN_SECONDS, issued_at: new Date().toISOString() };
  await reply.status(200).header('content-type', 'application/json').header('cache-control', 'no-store').send(JSON.stringify(body));
}

/** Refuses a write without the admin token: 401 UNAUTHORIZED with a challenge for `repository:{name}:push,pull`. */
export function requireAdmin(ctx: RoutesContext, request: PluginRequest, name: string): void {
  if (ctx.isAdmin(request)) return;
  const headers = { 'www-authenticate': challenge(ctx, request, `repository:${name}:pull,push`) };
  if (!ctx.writable) throw new RegistryError('UNAUTHORIZED', { message: 'pushes are off: no admin token is configured', headers });
  throw new RegistryError('UNAUTHORIZED', { message: 'pushing needs the admin token', headers });
}
