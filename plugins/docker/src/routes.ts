import { isEngineError, type PluginReply, type PluginRequest, type RouteScope, type RoutesContext } from '@artifactapi/plugin-sdk';
import { RegistryError, registryErrorBody, registryErrorFromProduct } from './errors.js';
import { API_VERSION, API_VERSION_HEADER } from './registry-headers.js';
import { parseV2Path, type V2Route } from './route-path.js';
import { continueUpload, putManifest, startUpload } from './local-registry.js';
import { localCatalog, localDelete } from './local-listing.js';
import { serveRead } from './read-routes.js';
import { issueToken, ping, requireRead, TOKEN_PATH } from './registry-auth.js';

/**
 * The registry API at the root `/v2/`: `/v2/{repo}/{image…}/manifests|blobs|tags/list|referrers`,
 * where `{repo}` is a docker repository of the product: pulls from any (read-routes.ts), pushes,
 * uploads, DELETE and `_catalog` on local ones (local-registry.ts, local-listing.ts). Repositories are reached only through
 * `ctx.engine`; every error is in the registry's `{"errors":[…]}` format.
 */
/** Shared by every request without a query string (most pulls); nothing writes to a request's query. */
const NO_QUERY: Readonly<URLSearchParams> = new URLSearchParams();

export function mountRegistry(scope: RouteScope, ctx: RoutesContext): void {
  scope.setErrorHandler(async (error, _request, reply) => sendError(reply, asRegistryError(error)));
  const handler = async (request: PluginRequest, reply: PluginReply): Promise<void> => {
    reply.header(API_VERSION_HEADER, API_VERSION);
    const [pathname = '', query = ''] = request.url.split('?', 2);
    if (pathname === TOKEN_PATH && request.method === 'GET') return issueToken(ctx, request, reply);
    const route = parseV2Path(pathname);
    if (!route) throw new RegistryError('NAME_UNKNOWN', { message: 'no registry endpoint at this path', status: 404 });
    if (route.kind === 'ping') return ping(ctx, request, reply);
    await serve(ctx, route, query === '' ? NO_QUERY : new URLSearchParams(query), request, reply);
  };
  scope.route({ method: ['GET', 'HEAD'], url: '/v2', handler });
  scope.route({ method: ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE'], url: '/v2/*', handler });
}

async function serve(ctx: RoutesContext, route: Exclude<V2Route, { kind: 'ping' }>, query: URLSearchParams, request: PluginRequest, reply: PluginReply): Promise<void> {
  const repository = route.repository;
  if (repository === undefined) throw new RegistryError('UNSUPPORTED', { message: 'list the images of one repository: /v2/{repo}/_catalog' });
  const repo = ctx.engine.resolve(repository);
  if (!repo || repo.package !== 'docker') throw new RegistryError('NAME_UNKNOWN', { detail: { repository } });
  const read = request.method === 'GET' || request.method === 'HEAD';
  if (read) await requireRead(ctx, request, repository, 'image' in route ? `${repository}/${route.image}` : repository);
  if (repo.kind === 'local') {
    if (route.kind === 'upload-start') return startUpload(ctx, route, query, request, reply);
    if (route.kind === 'upload') return continueUpload(ctx, route, query, request, reply);
    if (route.kind === 'catalog' && read) return localCatalog(ctx, repository, query, reply);
    if (route.kind === 'manifest' && request.method === 'PUT') return putManifest(ctx, route, query, request, reply);
    if ((route.kind === 'manifest' || route.kind === 'blob') && request.method === 'DELETE') return localDelete(ctx, route, request, reply);
  }
  if (!read || route.kind === 'catalog' || route.kind === 'upload' || route.kind === 'upload-start') {
    const what = repo.kind === 'local' ? 'not supported on this endpoint' : `${repository} is a ${repo.kind} repository: only pulls are supported`;
    throw new RegistryError('UNSUPPORTED', { message: what });
  }
  await serveRead(ctx, repo, route, query, request, reply);
}

function asRegistryError(error: unknown): RegistryError {
  if (error instanceof RegistryError) return error;
  if (isEngineError(error)) return registryErrorFromProduct({ code: error.code, message: error.message, status: error.status });
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new RegistryError('UNKNOWN', { message: (error as Error).message, status });
  return new RegistryError('UNKNOWN', { message: 'internal error' });
}

async function sendError(reply: PluginReply, error: RegistryError): Promise<void> {
  reply.status(error.status).header(API_VERSION_HEADER, API_VERSION).header('content-type', 'application/json');
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  await reply.send(JSON.stringify(registryErrorBody(error)));
}
