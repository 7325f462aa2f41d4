import type { Access } from '../tokens/index.js';
import { decideAccess, enforce, type AccessDecision, type AccessDeps } from './access.js';
import type { ServerContext } from './server-context.js';

/** The core's repository URL spaces; plugin routes under them are guarded like the core's own. */
const REPOSITORY_URL_PREFIXES = ['/api/v1/remote/', '/api/v1/virtual/'] as const;

/**
 * Whether reading `name` needs a token (`auth: {read: token}`). A virtual repository needs one
 * when it says so or when any member does: otherwise the virtual would hand out what the member
 * protects. A token for a virtual then has to name the virtual.
 */
export function readNeedsToken(ctx: Pick<ServerContext, 'repos' | 'virtuals'>, name: string): boolean {
  const repo = ctx.repos.get(name);
  if (repo) return repo.config.auth.read === 'token';
  const virtual = ctx.virtuals.get(name);
  if (!virtual) return false;
  return virtual.auth.read === 'token' || virtual.members.some((member) => ctx.repos.get(member)?.config.auth.read === 'token');
}

export function accessDeps(ctx: Pick<ServerContext, 'config' | 'tokens'>): AccessDeps {
  return { adminToken: ctx.config.auth.admin_token, tokens: ctx.tokens };
}

/**
 * What the credentials allow on `name`. A read of a repository that needs no token is granted
 * without looking at them; a write always needs the admin token or a token with write on it.
 */
export async function repositoryAccess(ctx: ServerContext, authorization: string | undefined, name: string, access: Access): Promise<AccessDecision> {
  if (access === 'read' && !readNeedsToken(ctx, name)) return 'granted';
  return decideAccess(accessDeps(ctx), authorization, name, access);
}

/** 401 with a Basic challenge, or 403, unless the request may read `name`. */
export async function requireRead(ctx: ServerContext, authorization: string | undefined, name: string): Promise<void> {
  if (!readNeedsToken(ctx, name)) return;
  enforce(await decideAccess(accessDeps(ctx), authorization, name, 'read'), name, 'read');
}

/** The repository name a URL under `/api/v1/remote/` or `/api/v1/virtual/` reads; undefined for other URLs. */
export function repositoryOfUrl(rawUrl: string): string | undefined {
  for (const prefix of REPOSITORY_URL_PREFIXES) {
    if (!rawUrl.startsWith(prefix)) continue;
    const rest = rawUrl.slice(prefix.length);
    const end = rest.search(/[/?]/);
    try {
      return decodeURIComponent(end < 0 ? rest : rest.slice(0, end));
    } catch {
      return undefined;
    }
  }
  return undefined;
}
