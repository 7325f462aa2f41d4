import type { PluginReply, PluginRequest, RoutesContext, StoredObject } from '@artifactapi/plugin-sdk';
import { RegistryError } from './errors.js';
import { MANIFEST_MAX_BYTES, parseManifest, type Descriptor } from './manifest.js';
import { catalogBody, paginate, parsePageRequest } from './pagination.js';
import { isDigest } from './reference.js';
import { referrerDescriptor } from './referrers.js';
import { requireWrite } from './registry-auth.js';
import type { V2Route } from './route-path.js';

/**
 * The content-discovery and content-management side of a local docker repository: tags,
 * `_catalog` and referrers from `ctx.engine.list`, and DELETE of manifests, tags and blobs.
 */

type Route<K extends V2Route['kind']> = Extract<V2Route, { kind: K }>;

/** Every stored object under a prefix, following the engine's cursor. */
async function listAll(ctx: RoutesContext, repository: string, prefix?: string): Promise<StoredObject[]> {
  const all: StoredObject[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.engine.list(repository, { ...(prefix !== undefined ? { prefix } : {}), limit: 1000, ...(cursor !== undefined ? { cursor } : {}) });
    all.push(...page.objects);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return all;
}

/** `{image}/manifests/{ref}` entries of one image (not of images below it), with their reference. */
async function manifestEntries(ctx: RoutesContext, repository: string, image: string): Promise<Array<{ ref: string; object: StoredObject }>> {
  const prefix = `${image}/manifests/`;
  return (await listAll(ctx, repository, prefix))
    .map((object) => ({ ref: object.path.slice(prefix.length), object }))
    .filter(({ ref }) => ref !== '' && !ref.includes('/'));
}

async function json(reply: PluginReply, body: unknown, headers: Record<string, string> = {}): Promise<void> {
  reply.status(200).header('content-type', 'application/json');
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  await reply.send(JSON.stringify(body));
}

/** The tags of an image of a local repository; NAME_UNKNOWN for an image with no manifest. */
export async function localTagNames(ctx: RoutesContext, repository: string, image: string): Promise<string[]> {
  const entries = await manifestEntries(ctx, repository, image);
  if (entries.length === 0) throw new RegistryError('NAME_UNKNOWN', { detail: { name: `${repository}/${image}` } });
  return entries.filter(({ ref }) => !isDigest(ref)).map(({ ref }) => ref);
}

/** `/v2/{repo}/_catalog`: the images of the repository, named as clients address them (`{repo}/{image}`). */
export async function localCatalog(ctx: RoutesContext, repository: string, query: URLSearchParams, reply: PluginReply): Promise<void> {
  const images = new Set<string>();
  for (const object of await listAll(ctx, repository)) {
    const m = /^(.+)\/manifests\/[^/]+$/.exec(object.path);
    if (m) images.add(`${repository}/${m[1]!}`);
  }
  const page = paginate(images, parsePageRequest(query), `/v2/${repository}/_catalog`);
  await json(reply, catalogBody(page), page.link === undefined ? {} : { link: page.link });
}

/**
 * DELETE of a manifest by digest (with every tag pointing at it), of a tag, or of a blob: 202,
 * or MANIFEST_UNKNOWN / BLOB_UNKNOWN.
 */
export async function localDelete(ctx: RoutesContext, route: Route<'manifest' | 'blob'>, request: PluginRequest, reply: PluginReply): Promise<void> {
  await requireWrite(ctx, request, route.repository, `${route.repository}/${route.image}`);
  if (route.kind === 'blob') {
    if (!(await ctx.engine.delete(route.repository, `${route.image}/blobs/${route.digest}`))) throw new RegistryError('BLOB_UNKNOWN', { detail: { digest: route.digest } });
  } else if (route.reference.kind === 'tag') {
    if (!(await ctx.engine.delete(route.repository, `${route.image}/manifests/${route.reference.tag}`))) throw new RegistryError('MANIFEST_UNKNOWN', { detail: { tag: route.reference.tag } });
  } else {
    const digest = route.reference.digest;
    const entries = await manifestEntries(ctx, route.repository, route.image);
    if (!entries.some(({ ref }) => ref === digest)) throw new RegistryError('MANIFEST_UNKNOWN', { detail: { digest } });
    for (const { ref, object } of entries) {
      if (ref === digest || object.digest === digest) await ctx.engine.delete(route.repository, `${route.image}/manifests/${ref}`);
    }
  }
  await reply.status(202).header('content-length', '0').send();
}

/** OCI 1.1 referrers: descriptors of the stored manifests of the image whose `subject` is the digest. */
export async function localReferrers(ctx: RoutesContext, repository: string, image: string, subject: string): Promise<Descriptor[]> {
  const found: Descriptor[] = [];
  for (const { ref, object } of await manifestEntries(ctx, repository, image)) {
    if (!isDigest(ref) || object.digest !== ref) continue;
    const bytes = await ctx.engine.read(await ctx.engine.get(repository, `${image}/manifests/${ref}`), MANIFEST_MAX_BYTES);
    let manifest;
    try {
      manifest = parseManifest(bytes, object.contentType);
    } catch {
      continue;
    }
    if (manifest.subject?.digest === subject) found.push(referrerDescriptor(manifest, ref, bytes.byteLength));
  }
  return found;
}
