import { Readable } from 'node:stream';
import { isEngineError, type PluginReply, type PluginRequest, type RoutesContext } from '@artifactapi/plugin-sdk';
import { completeChunk, planChunk } from './content-range.js';
import { RegistryError } from './errors.js';
import { childManifests, MANIFEST_MAX_BYTES, parseManifest, referencedBlobs } from './manifest.js';
import { digestOf, parseDigest, TAG_PATTERN } from './reference.js';
import { checkFinalDigest, parseUploadStart, uploadHeaders, type UploadSession } from './upload-session.js';
import { requireWrite } from './registry-auth.js';
import type { V2Route } from './route-path.js';

/**
 * The push side of a local docker repository, on `ctx.uploads` and `ctx.engine` only. Layout of
 * the repository's paths: `{image}/blobs/{digest}` (stored once per repository under the blob's
 * digest, see classifyPath), `{image}/manifests/{digest}` (the exact bytes, with their media type
 * as Content-Type) and `{image}/manifests/{tag}` (the same bytes again, a mutable entry), so a
 * pull reads either with one engine `get`, as it reads a remote.
 */

type Route<K extends V2Route['kind']> = Extract<V2Route, { kind: K }>;

/** Largest mount copied between repositories in memory; a larger one falls back to an upload (202). */
const MOUNT_MAX_BYTES = 64 * 1024 * 1024;

function sha256Hex(digest: string): string {
  const parsed = parseDigest(digest);
  if (parsed.algorithm !== 'sha256') throw new RegistryError('DIGEST_INVALID', { message: 'only sha256 digests are accepted on push', detail: { digest } });
  return parsed.hex;
}

function header(request: PluginRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sessionOf(route: Route<'upload-start' | 'upload'>, session: { id: string; size: number; createdAt: number; updatedAt: number }): UploadSession {
  return { id: session.id, repository: route.repository, image: route.image, size: session.size, startedAt: session.createdAt, updatedAt: session.updatedAt };
}

async function empty(reply: PluginReply, status: number, headers: Record<string, string>): Promise<void> {
  reply.status(status);
  for (const [name, value] of Object.entries({ 'content-length': '0', ...headers })) reply.header(name, value);
  await reply.send();
}

/** Whether the repository holds the path; engine 404 is false. */
export async function exists(ctx: RoutesContext, repository: string, path: string): Promise<boolean> {
  try {
    (await ctx.engine.get(repository, path)).discard();
    return true;
  } catch (err) {
    if (isEngineError(err) && err.status === 404) return false;
    throw err;
  }
}

/** POST `…/blobs/uploads/`: a session (202), a monolithic upload (201) or a mount (201, else 202). */
export async function startUpload(ctx: RoutesContext, route: Route<'upload-start'>, query: URLSearchParams, request: PluginRequest, reply: PluginReply): Promise<void> {
  await requireWrite(ctx, request, route.repository, `${route.repository}/${route.image}`);
  const start = parseUploadStart(query);
  if (start.kind === 'monolithic') {
    const length = header(request, 'content-length');
    await ctx.engine.put(route.repository, `${route.image}/blobs/${start.digest}`, request.body, {
      sha256: sha256Hex(start.digest),
      ...(length !== undefined && /^[0-9]+$/.test(length) ? { length: Number(length) } : {}),
    });
    return blobCreated(reply, route, start.digest);
  }
  request.body.resume();
  if (start.kind === 'mount' && (await mount(ctx, request, route, start.digest, start.fromRepository, start.fromImage))) {
    return blobCreated(reply, route, start.digest);
  }
  const session = await ctx.uploads.start(route.repository);
  await empty(reply, 202, uploadHeaders(sessionOf(route, session)));
}

/** Copies a blob another docker repository holds (or finds it already here); false when it cannot. */
async function mount(ctx: RoutesContext, request: PluginRequest, route: Route<'upload-start'>, digest: string, fromRepository: string, fromImage: string): Promise<boolean> {
  const target = `${route.image}/blobs/${digest}`;
  if (await exists(ctx, route.repository, target)) return true;
  const from = ctx.engine.resolve(fromRepository);
  if (!from || from.package !== 'docker' || from.kind !== 'local' || parseDigest(digest).algorithm !== 'sha256') return false;
  // A mount reads the other repository: without read access there, the client uploads the bytes itself.
  if ((await ctx.authorize(request, fromRepository, 'read')) !== 'granted') return false;
  let bytes: Buffer;
  try {
    const served = await ctx.engine.get(fromRepository, `${fromImage}/blobs/${digest}`);
    if (served.size !== undefined && served.size > MOUNT_MAX_BYTES) {
      served.discard();
      return false;
    }
    bytes = await ctx.engine.read(served, MOUNT_MAX_BYTES);
  } catch (err) {
    if (isEngineError(err)) return false;
    throw err;
  }
  await ctx.engine.put(route.repository, target, Readable.from([bytes]), { sha256: sha256Hex(digest), length: bytes.byteLength });
  return true;
}

async function blobCreated(reply: PluginReply, route: Route<'upload-start' | 'upload'>, digest: string): Promise<void> {
  await empty(reply, 201, { location: `/v2/${route.repository}/${route.image}/blobs/${digest}`, 'docker-content-digest': digest });
}

async function appendChunk(ctx: RoutesContext, route: Route<'upload'>, request: PluginRequest, size: number): Promise<UploadSession> {
  const plan = planChunk(size, header(request, 'content-range'), header(request, 'content-length'));
  const session = await ctx.uploads.append(route.repository, route.session, request.body, plan.length === undefined ? { offset: plan.start } : { offset: plan.start, length: plan.length });
  completeChunk(plan, session.size - plan.start);
  return sessionOf(route, session);
}

async function currentSession(ctx: RoutesContext, route: Route<'upload'>): Promise<UploadSession> {
  const session = await ctx.uploads.status(route.repository, route.session);
  if (!session) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', { detail: { session: route.session } });
  return sessionOf(route, session);
}

/** GET (status, 204) · PATCH (chunk, 202) · PUT (close, 201) · DELETE (cancel, 204) of an upload session. */
export async function continueUpload(ctx: RoutesContext, route: Route<'upload'>, query: URLSearchParams, request: PluginRequest, reply: PluginReply): Promise<void> {
  await requireWrite(ctx, request, route.repository, `${route.repository}/${route.image}`);
  if (request.method === 'GET' || request.method === 'HEAD') return empty(reply, 204, uploadHeaders(await currentSession(ctx, route)));
  if (request.method === 'DELETE') {
    if (!(await ctx.uploads.cancel(route.repository, route.session))) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', { detail: { session: route.session } });
    return empty(reply, 204, {});
  }
  const session = await currentSession(ctx, route);
  if (request.method === 'PATCH') return empty(reply, 202, uploadHeaders(await appendChunk(ctx, route, request, session.size)));
  if (request.method !== 'PUT') throw new RegistryError('UNSUPPORTED', { message: `${request.method} on an upload` });
  const digest = query.get('digest');
  checkFinalDigest(digest, digest ?? '');
  const hex = sha256Hex(digest!);
  const length = header(request, 'content-length');
  const hasBody = (length !== undefined && length !== '0') || header(request, 'transfer-encoding') !== undefined;
  if (hasBody) await appendChunk(ctx, route, request, session.size);
  else request.body.resume();
  await ctx.uploads.commit(route.repository, route.session, `${route.image}/blobs/${digest!}`, { sha256: hex });
  await blobCreated(reply, route, digest!);
}

async function readBody(body: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buf.byteLength;
    if (size > max) {
      body.destroy();
      throw new RegistryError('MANIFEST_INVALID', { message: `manifest larger than ${max} bytes`, status: 413 });
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/**
 * PUT `…/manifests/{tag|digest}[?tag=…]`: every blob and child manifest it names must be in the
 * repository (MANIFEST_BLOB_UNKNOWN), the bytes are stored exactly, by digest and under the tag.
 */
export async function putManifest(ctx: RoutesContext, route: Route<'manifest'>, query: URLSearchParams, request: PluginRequest, reply: PluginReply): Promise<void> {
  await requireWrite(ctx, request, route.repository, `${route.repository}/${route.image}`);
  // `?tag=a&tag=b` on a PUT by digest (distribution spec main branch) tags it in the same request.
  const tags = route.reference.kind === 'tag' ? [route.reference.tag] : query.getAll('tag');
  const badTag = tags.find((tag) => !TAG_PATTERN.test(tag));
  if (badTag !== undefined) throw new RegistryError('TAG_INVALID', { message: 'invalid tag', detail: { tag: badTag } });
  const bytes = await readBody(request.body, MANIFEST_MAX_BYTES);
  const manifest = parseManifest(bytes, header(request, 'content-type'));
  const digest = digestOf(bytes);
  if (route.reference.kind === 'digest' && route.reference.digest !== digest) {
    throw new RegistryError('DIGEST_INVALID', { message: 'the manifest does not hash to the digest in the URL', detail: { expected: route.reference.digest, actual: digest } });
  }
  const missing: string[] = [];
  for (const blob of referencedBlobs(manifest)) {
    if (!(await exists(ctx, route.repository, `${route.image}/blobs/${blob.digest}`))) missing.push(blob.digest);
  }
  for (const child of childManifests(manifest)) {
    if (!(await exists(ctx, route.repository, `${route.image}/manifests/${child.digest}`))) missing.push(child.digest);
  }
  if (missing.length > 0) throw new RegistryError('MANIFEST_BLOB_UNKNOWN', { detail: { digests: missing } });
  const store = (ref: string) =>
    ctx.engine.put(route.repository, `${route.image}/manifests/${ref}`, Readable.from([bytes]), { sha256: digestOf(bytes).slice('sha256:'.length), contentType: manifest.mediaType, length: bytes.byteLength });
  await store(digest);
  for (const tag of tags) await store(tag);
  const headers: Record<string, string> = { location: `/v2/${route.repository}/${route.image}/manifests/${digest}`, 'docker-content-digest': digest };
  if (manifest.subject !== undefined) headers['oci-subject'] = manifest.subject.digest;
  if (route.reference.kind === 'digest' && tags.length > 0) headers['oci-tag'] = tags.join(', ');
  await empty(reply, 201, headers);
}
