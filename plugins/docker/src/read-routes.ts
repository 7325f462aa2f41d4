import { isEngineError, type PluginReply, type PluginRequest, type RepositoryRef, type RoutesContext, type ServedArtifact } from '@artifactapi/plugin-sdk';
import { RegistryError, type RegistryErrorCode } from './errors.js';
import { localReferrers, localTagNames } from './local-listing.js';
import { MANIFEST_MAX_BYTES, manifestMediaType, type Descriptor } from './manifest.js';
import { bareMediaType, MANIFEST_TYPES } from './media-types.js';
import { negotiateManifest } from './negotiate.js';
import { paginate, parsePageRequest, tagsListBody } from './pagination.js';
import { digestOf } from './reference.js';
import { artifactTypeFilter, referrersResponse } from './referrers.js';
import { contentHeaders } from './registry-headers.js';
import { refuseQuarantined } from './quarantine.js';
import { bannedTag } from './repository-path.js';
import type { V2Route } from './route-path.js';
import { upstreamJsonObject, upstreamTags } from './upstream-document.js';
import { canonicalImageName } from './upstream-name.js';

/**
 * Pulls (GET / HEAD) from any docker repository. A remote reads through the cache, a local one
 * reads what was pushed, and a virtual one tries its members in order for manifests and blobs
 * (each member with its own image name: `library/` on Docker Hub) and merges their tags and
 * referrers.
 */

type ReadRoute = Extract<V2Route, { kind: 'manifest' | 'blob' | 'tags' | 'referrers' }>;

/** Largest tags/list document read from the upstream. */
const TAGS_MAX_BYTES = 16 * 1024 * 1024;

export async function serveRead(ctx: RoutesContext, repo: RepositoryRef, route: ReadRoute, query: URLSearchParams, request: PluginRequest, reply: PluginReply): Promise<void> {
  if (route.kind === 'tags') {
    const tags = await tagNames(ctx, repo, route.image);
    const page = paginate(tags, parsePageRequest(query), `/v2/${route.repository}/${route.image}/tags/list`);
    if (page.link !== undefined) reply.header('link', page.link);
    return void (await reply.status(200).header('content-type', 'application/json').send(JSON.stringify(tagsListBody(route.image, page))));
  }
  if (route.kind === 'referrers') {
    const response = referrersResponse(dedupe(await referrers(ctx, repo, route.image, route.digest)), artifactTypeFilter(query));
    reply.status(200);
    for (const [name, value] of Object.entries(response.headers)) reply.header(name, value);
    return void (await reply.send(request.method === 'HEAD' ? undefined : JSON.stringify(response.body)));
  }
  const path = route.kind === 'manifest' ? `manifests/${route.reference.kind === 'tag' ? route.reference.tag : route.reference.digest}` : `blobs/${route.digest}`;
  const missing: RegistryErrorCode = route.kind === 'manifest' ? 'MANIFEST_UNKNOWN' : 'BLOB_UNKNOWN';
  let served: ServedArtifact | undefined;
  let answered: { member: RepositoryRef; image: string } | undefined;
  for (const member of members(ctx, repo)) {
    const image = canonicalImageName(route.image, member.baseUrl);
    served = await find(ctx, member.name, `${image}/${path}`);
    if (served) {
      answered = { member, image };
      break;
    }
  }
  if (!served || !answered) throw new RegistryError(missing, { detail: { repository: route.repository, path: `${route.image}/${path}` } });
  if (route.kind === 'blob') {
    // hot-reads.ts tells the core this path and these headers: keep the two in step.
    return ctx.engine.send(request, reply, served, { headers: { 'docker-content-digest': route.digest, etag: `"${route.digest}"` }, redirect: true });
  }
  const bytes = await ctx.engine.read(served, MANIFEST_MAX_BYTES);
  const digest = digestOf(bytes);
  if (route.reference.kind === 'digest' && route.reference.digest !== digest) {
    throw new RegistryError('MANIFEST_UNKNOWN', { message: 'the manifest does not hash to its digest' });
  }
  await refuseQuarantined(ctx, answered.member, answered.image, digest);
  let mediaType = bareMediaType(served.contentType);
  if (!MANIFEST_TYPES.has(mediaType)) mediaType = manifestMediaType(upstreamJsonObject(bytes, 'manifest'), served.contentType);
  negotiateManifest(request.headers.accept, mediaType);
  reply.status(200);
  for (const [name, value] of Object.entries(contentHeaders(digest, mediaType, bytes.byteLength))) reply.header(name, value);
  reply.header('x-artifact-cache', served.cache).header('x-artifact-source', served.source);
  await reply.send(request.method === 'HEAD' ? undefined : bytes);
}

/** The repository itself, or a virtual one's docker members in their order. */
function members(ctx: RoutesContext, repo: RepositoryRef): RepositoryRef[] {
  if (repo.kind !== 'virtual') return [repo];
  return (repo.members ?? []).map((name) => ctx.engine.resolve(name)).filter((m): m is RepositoryRef => m !== undefined && m.package === 'docker' && m.kind !== 'virtual');
}

/** A path through the engine, or undefined on its 404. */
async function find(ctx: RoutesContext, repository: string, path: string): Promise<ServedArtifact | undefined> {
  try {
    return await ctx.engine.get(repository, path);
  } catch (err) {
    if (isEngineError(err) && (err.status === 404 || err.status === 410)) return undefined;
    throw err;
  }
}

/** An image's tags: pushed (local), the upstream's less `ban_tags` (remote), or every member's (virtual). NAME_UNKNOWN when none has the image. */
async function tagNames(ctx: RoutesContext, repo: RepositoryRef, image: string): Promise<string[]> {
  const all: string[] = [];
  let found = false;
  for (const member of members(ctx, repo)) {
    try {
      all.push(...(await memberTags(ctx, member, image)));
      found = true;
    } catch (err) {
      if (!(err instanceof RegistryError && err.code === 'NAME_UNKNOWN') || repo.kind !== 'virtual') throw err;
    }
  }
  if (!found) throw new RegistryError('NAME_UNKNOWN', { detail: { name: `${repo.name}/${image}` } });
  return all;
}

async function memberTags(ctx: RoutesContext, repo: RepositoryRef, image: string): Promise<string[]> {
  if (repo.kind === 'local') return localTagNames(ctx, repo.name, image);
  const path = `${canonicalImageName(image, repo.baseUrl)}/tags/list`;
  const served = await find(ctx, repo.name, path);
  if (!served) throw new RegistryError('NAME_UNKNOWN', { detail: { path } });
  return upstreamTags(await ctx.engine.read(served, TAGS_MAX_BYTES)).filter((t) => !bannedTag(t, repo.options));
}

/** Referrers of a digest: what was pushed (local), the upstream's index, or none when it has no such API (remote); every member's (virtual). */
async function referrers(ctx: RoutesContext, repo: RepositoryRef, image: string, subject: string): Promise<Descriptor[]> {
  const all: Descriptor[] = [];
  for (const member of members(ctx, repo)) {
    if (member.kind === 'local') {
      all.push(...(await localReferrers(ctx, member.name, image, subject)));
      continue;
    }
    const served = await find(ctx, member.name, `${canonicalImageName(image, member.baseUrl)}/referrers/${subject}`);
    if (!served) continue;
    try {
      const doc = JSON.parse((await ctx.engine.read(served, MANIFEST_MAX_BYTES)).toString('utf8')) as { manifests?: unknown };
      if (Array.isArray(doc.manifests)) all.push(...(doc.manifests as Descriptor[]).filter((d) => typeof d === 'object' && d !== null && typeof d.digest === 'string'));
    } catch {
      // An upstream answering something that is not an index has no referrers to offer.
    }
  }
  return all;
}

function dedupe(descriptors: Descriptor[]): Descriptor[] {
  const seen = new Map<string, Descriptor>();
  for (const d of descriptors) if (!seen.has(d.digest)) seen.set(d.digest, d);
  return [...seen.values()];
}
