import { isEngineError, type PluginReply, type PluginRequest, type RouteScope, type RoutesContext, type ServedArtifact } from '@artifactapi/plugin-sdk';
import { RegistryError, registryErrorBody, registryErrorFromProduct, type RegistryErrorCode } from './errors.js';
import { MANIFEST_MAX_BYTES, manifestMediaType } from './manifest.js';
import { bareMediaType, MANIFEST_TYPES, OCI_INDEX } from './media-types.js';
import { negotiateManifest } from './negotiate.js';
import { paginate, parsePageRequest, tagsListBody } from './pagination.js';
import { digestOf } from './reference.js';
import { referrersResponse } from './referrers.js';
import { API_VERSION, API_VERSION_HEADER, contentHeaders } from './registry-headers.js';
import { bannedTag } from './repository-path.js';
import { parseV2Path, type V2Route } from './route-path.js';
import { canonicalImageName } from './upstream-name.js';
import { continueUpload, putManifest, startUpload } from './local-registry.js';
import { localCatalog, localDelete, localReferrers, localTags } from './local-listing.js';
import { issueToken, ping, TOKEN_PATH } from './registry-auth.js';

/** Largest tags/list document read from the upstream. */
const TAGS_MAX_BYTES = 16 * 1024 * 1024;

/**
 * The registry API at the root `/v2/`: `/v2/{repo}/{image…}/manifests|blobs|tags/list|referrers`,
 * where `{repo}` is a docker repository of the product. Repositories are reached only through
 * `ctx.engine`; every error is in the registry's `{"errors":[…]}` format.
 */
export function mountRegistry(scope: RouteScope, ctx: RoutesContext): void {
  scope.setErrorHandler(async (error, _request, reply) => sendError(reply, asRegistryError(error)));
  const handler = async (request: PluginRequest, reply: PluginReply): Promise<void> => {
    reply.header(API_VERSION_HEADER, API_VERSION);
    const [pathname = '', query = ''] = request.url.split('?', 2);
    if (pathname === TOKEN_PATH && request.method === 'GET') return issueToken(ctx, request, reply);
    const route = parseV2Path(pathname);
    if (!route) throw new RegistryError('NAME_UNKNOWN', { message: 'no registry endpoint at this path', status: 404 });
    if (route.kind === 'ping') return ping(ctx, request, reply);
    await serve(ctx, route, new URLSearchParams(query), request, reply);
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
  if (repo.kind === 'local') {
    if (route.kind === 'upload-start') return startUpload(ctx, route, query, request, reply);
    if (route.kind === 'upload') return continueUpload(ctx, route, query, request, reply);
    if (route.kind === 'catalog' && read) return localCatalog(ctx, repository, query, reply);
    if (route.kind === 'tags' && read) return localTags(ctx, route, query, reply);
    if (route.kind === 'referrers' && read) return localReferrers(ctx, route, query, request, reply);
    if (route.kind === 'manifest' && request.method === 'PUT') return putManifest(ctx, route, request, reply);
    if ((route.kind === 'manifest' || route.kind === 'blob') && request.method === 'DELETE') return localDelete(ctx, route, request, reply);
  }
  if (!read || route.kind === 'catalog' || route.kind === 'upload' || route.kind === 'upload-start') {
    const what = repo.kind === 'local' ? 'not supported on this endpoint' : `${repository} is a ${repo.kind} repository: only pulls are supported`;
    throw new RegistryError('UNSUPPORTED', { message: what });
  }
  const image = canonicalImageName(route.image, repo.baseUrl);
  if (route.kind === 'manifest') {
    const ref = route.reference.kind === 'tag' ? route.reference.tag : route.reference.digest;
    const served = await get(ctx, repository, `${image}/manifests/${ref}`, 'MANIFEST_UNKNOWN');
    const bytes = await ctx.engine.read(served, MANIFEST_MAX_BYTES);
    const digest = digestOf(bytes);
    if (route.reference.kind === 'digest' && route.reference.digest !== digest) {
      throw new RegistryError('MANIFEST_UNKNOWN', { message: 'the manifest does not hash to its digest' });
    }
    let mediaType = bareMediaType(served.contentType);
    if (!MANIFEST_TYPES.has(mediaType)) mediaType = manifestMediaType(JSON.parse(bytes.toString('utf8')) as Record<string, unknown>, served.contentType);
    negotiateManifest(request.headers.accept, mediaType);
    reply.status(200);
    for (const [name, value] of Object.entries(contentHeaders(digest, mediaType, bytes.byteLength))) reply.header(name, value);
    reply.header('x-artifact-cache', served.cache).header('x-artifact-source', served.source);
    return void (await reply.send(request.method === 'HEAD' ? undefined : bytes));
  }
  if (route.kind === 'blob') {
    const served = await get(ctx, repository, `${image}/blobs/${route.digest}`, 'BLOB_UNKNOWN');
    return ctx.engine.send(request, reply, served, { headers: { 'docker-content-digest': route.digest, etag: `"${route.digest}"` } });
  }
  if (route.kind === 'tags') {
    const served = await get(ctx, repository, `${image}/tags/list`, 'NAME_UNKNOWN');
    const doc = JSON.parse((await ctx.engine.read(served, TAGS_MAX_BYTES)).toString('utf8')) as { tags?: unknown };
    const tags = (Array.isArray(doc.tags) ? doc.tags : []).filter((t): t is string => typeof t === 'string' && !bannedTag(t, repo.options));
    const page = paginate(tags, parsePageRequest(query), `/v2/${route.repository}/${route.image}/tags/list`);
    if (page.link !== undefined) reply.header('link', page.link);
    return void (await reply.status(200).header('content-type', 'application/json').send(JSON.stringify(tagsListBody(route.image, page))));
  }
  // referrers: the upstream's index when it has the API, else an empty one (the API is supported here).
  let body: string | Buffer = JSON.stringify(referrersResponse([]).body);
  try {
    const served = await ctx.engine.get(repository, `${image}/referrers/${route.digest}`);
    body = await ctx.engine.read(served, MANIFEST_MAX_BYTES);
  } catch (err) {
    if (!isEngineError(err) || err.status !== 404) throw err;
  }
  await reply.status(200).header('content-type', OCI_INDEX).send(request.method === 'HEAD' ? undefined : body);
}

/** A path through the engine; the engine's 404 becomes the registry's code for the endpoint. */
async function get(ctx: RoutesContext, repository: string, path: string, missing: RegistryErrorCode): Promise<ServedArtifact> {
  try {
    return await ctx.engine.get(repository, path);
  } catch (err) {
    if (isEngineError(err) && err.status === 404) throw new RegistryError(missing, { detail: { path } });
    throw err;
  }
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
