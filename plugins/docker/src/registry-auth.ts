import type { AccessDecision, PluginReply, PluginRequest, RepositoryAccess, RoutesContext } from '@artifactapi/plugin-sdk';
import { RegistryError } from './errors.js';
import { bearerChallenge } from './registry-headers.js';

/**
 * Who may pull and push. Pulls are anonymous unless the repository sets `auth: {read: token}`;
 * writes to a local repository need the admin token or a named token with write access on it,
 * as a Bearer token or as the password of Basic credentials (any user name). Registry clients
 * only send credentials after a challenge, and skopeo / containers-image only after one on
 * `/v2/`, so when the server is writable the ping challenges with a Bearer realm (`/v2/token`)
 * that hands out an anonymous token to anyone (open repositories keep working) and, for valid
 * Basic credentials, the token the client sent as its password: it already holds it, so nothing
 * is disclosed, and a revoked token stops working on the next request.
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

/** The anonymous token of this realm is no credential: a request carrying it is asked for real ones. */
function isAnonymous(request: PluginRequest): boolean {
  return /^bearer\s+anonymous\s*$/i.test(authorization(request) ?? '');
}

/** `GET /v2/`: 200, or 401 with the challenge when the server takes pushes and the client sent no credentials. */
export async function ping(ctx: RoutesContext, request: PluginRequest, reply: PluginReply): Promise<void> {
  const auth = authorization(request);
  const known = auth !== undefined && (/^bearer /i.test(auth) || (await ctx.authenticated(request)));
  if (ctx.writable && !known) {
    throw new RegistryError('UNAUTHORIZED', { headers: { 'www-authenticate': challenge(ctx, request) } });
  }
  await reply.status(200).header('content-type', 'application/json').send('{}');
}

/**
 * `GET /v2/token` (the distribution token spec's response): for Basic credentials holding the
 * admin token or a live named token, that token; an anonymous token without credentials; 401
 * for wrong ones.
 */
export async function issueToken(ctx: RoutesContext, request: PluginRequest, reply: PluginReply): Promise<void> {
  const auth = authorization(request);
  let token = ANONYMOUS_TOKEN;
  if (auth !== undefined) {
    const basic = /^basic\s+(.+)$/i.exec(auth.trim());
    if (!basic || !(await ctx.authenticated(request))) {
      throw new RegistryError('UNAUTHORIZED', { message: 'invalid credentials', headers: { 'www-authenticate': 'Basic realm="artifactapi"' } });
    }
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    token = decoded.slice(decoded.indexOf(':') + 1);
  }
  const body = { token, access_token: token, expires_in: TOKEN_SECONDS, issued_at: new Date().toISOString() };
  await reply.status(200).header('content-type', 'application/json').header('cache-control', 'no-store').send(JSON.stringify(body));
}

async function decide(ctx: RoutesContext, request: PluginRequest, repository: string, access: RepositoryAccess): Promise<AccessDecision> {
  const decision = await ctx.authorize(request, repository, access);
  return decision === 'denied' && isAnonymous(request) ? 'missing' : decision;
}

/** Refuses a pull of a repository that needs a token: 401 UNAUTHORIZED with a `pull` challenge, or 403 DENIED. */
export async function requireRead(ctx: RoutesContext, request: PluginRequest, repository: string, name: string): Promise<void> {
  const decision = await decide(ctx, request, repository, 'read');
  if (decision === 'granted') return;
  if (decision === 'denied') throw new RegistryError('DENIED', { message: `the credentials do not allow pulls from ${repository}` });
  throw new RegistryError('UNAUTHORIZED', { message: `pulling from ${repository} needs a token`, headers: { 'www-authenticate': challenge(ctx, request, `repository:${name}:pull`) } });
}

/** Refuses a write without write access: 401 UNAUTHORIZED with a `pull,push` challenge, or 403 DENIED for credentials that lack it. */
export async function requireWrite(ctx: RoutesContext, request: PluginRequest, repository: string, name: string): Promise<void> {
  const headers = { 'www-authenticate': challenge(ctx, request, `repository:${name}:pull,push`) };
  if (!ctx.writable) throw new RegistryError('UNAUTHORIZED', { message: 'pushes are off: no admin token is configured', headers });
  const decision = await decide(ctx, request, repository, 'write');
  if (decision === 'granted') return;
  if (decision === 'denied') throw new RegistryError('DENIED', { message: `the credentials do not allow pushes to ${repository}` });
  throw new RegistryError('UNAUTHORIZED', { message: 'pushing needs the admin token or a token with write access', headers });
}
