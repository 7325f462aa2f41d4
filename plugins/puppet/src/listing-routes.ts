import type { PluginRequest, RouteScope, RoutesContext } from '@artifactapi/plugin-sdk';
import { foldListQuery, LIST_ENDPOINTS, type ListEndpoint } from './forge-paths.js';

const PREFIXES = [
  { prefix: '/api/v1/remote/', virtual: false },
  { prefix: '/api/v1/virtual/', virtual: true },
] as const;

/**
 * GET/HEAD `{base}/v3/releases?…` and `{base}/v3/modules?…`. The core's repository routes drop
 * the query string, yet every Forge list page (`?module=x&offset=20`) is its own document, so
 * these routes, more specific than the core's `/api/v1/remote/*`, fold the query into the
 * repository path (forge-paths.ts) and serve it through the engine like any other path. A
 * repository of another type that happens to have such a path is served exactly as the core
 * would: by its plain path, query dropped.
 */
export function listingRoutes(scope: RouteScope, ctx: RoutesContext): void {
  for (const { prefix, virtual } of PREFIXES) {
    for (const endpoint of LIST_ENDPOINTS) {
      scope.route({
        method: ['GET', 'HEAD'],
        url: `${prefix}:repo/${endpoint}`,
        handler: async (request, reply) => {
          const name = request.params.repo ?? '';
          const repo = ctx.engine.resolve(name);
          if (repo && (repo.kind === 'virtual') !== virtual) throw repositoryNotFound(name);
          const path = repo?.package === 'puppet' ? foldListQuery(endpoint as ListEndpoint, queryOf(request)) : endpoint;
          const served = await ctx.engine.get(name, path, {
            headers: plainHeaders(request),
            publicBase: `${ctx.publicOrigin(request)}${prefix}${encodeURIComponent(name)}`,
          });
          await ctx.engine.send(request, reply, served);
        },
      });
    }
  }
}

function queryOf(request: PluginRequest): string {
  const at = request.url.indexOf('?');
  return at < 0 ? '' : request.url.slice(at + 1);
}

function plainHeaders(request: PluginRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** A virtual repository under `/remote/` or a remote one under `/virtual/`: not there, as the core says. */
function repositoryNotFound(name: string): Error & { statusCode: number } {
  return Object.assign(new Error(`Repository not found: ${name}`), { statusCode: 404 });
}
