import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { MergeDocument, MergeInput, PublishRequest, RewriteResult, UploadSessions } from '@artifactapi/plugin-sdk';
import type { VirtualConfig } from '../config/types.js';
import { AapiError, isAapiError } from '../errors.js';
import type { CacheEntry } from '../metadata/metadata-store.js';
import type { BrowseOptions, BrowsePage, ListOptions, ListPage } from './cache-admin.js';
import type { Engine } from './engine.js';
import type { RequestView } from './index-documents.js';
import type { PutOptions } from './local-writes.js';
import type { RepoRuntime } from './repo-runtime.js';
import { repositoryUploads } from './repository-uploads.js';
import type { Served } from './served.js';

/** A repository found by name: one with its own storage, or a virtual one over its members (in order). */
export type ResolvedRepository =
  | { kind: 'remote' | 'local'; name: string; package: string; repo: RepoRuntime }
  | { kind: 'virtual'; name: string; package: string; virtual: VirtualConfig; members: RepoRuntime[] };

/** What a `get` answers: a served artifact, and for a virtual repository the member that answered (absent when merged). */
export type ServedFrom = Served & { member?: string };

/** Largest member document read into memory for a merge. */
const MAX_MERGE_DOCUMENT = 64 * 1024 * 1024;

/**
 * The engine as a service over repositories by name (DESIGN §5's `ctx.engine`): resolve a
 * repository, then get / put / delete / list / evict on it. Virtual repositories try their
 * members in order, or merge members' index documents when the plugin has a merger for the
 * document's index kind. HTTP routes and plugin routes are both thin adapters over this.
 */
export class RepositoryService {
  /** Upload sessions of local repositories, by repository name (the SDK's `ctx.uploads`). */
  readonly uploads: UploadSessions = repositoryUploads(this);

  constructor(
    readonly engine: Engine,
    private readonly repos: ReadonlyMap<string, RepoRuntime>,
    private readonly virtuals: ReadonlyMap<string, VirtualConfig>,
  ) {}

  resolve(name: string): ResolvedRepository | undefined {
    const repo = this.repos.get(name);
    if (repo) return { kind: repo.isLocal ? 'local' : 'remote', name, package: repo.config.package, repo };
    const virtual = this.virtuals.get(name);
    if (!virtual) return undefined;
    const members = virtual.members.map((m) => this.repos.get(m)).filter((m): m is RepoRuntime => m !== undefined);
    return { kind: 'virtual', name, package: virtual.package, virtual, members };
  }

  /** A remote or local repository by name; 404 for an unknown name, 405 naming what it is otherwise. */
  storage(name: string, purpose: string): RepoRuntime {
    const found = this.resolve(name);
    if (!found) throw new AapiError('AAPI_ERR_REPO_NOT_FOUND', name);
    if (found.kind === 'virtual') throw new AapiError('AAPI_ERR_METHOD_NOT_ALLOWED', `${purpose} on virtual repository ${name}; name one of its members`);
    return found.repo;
  }

  /** A local repository by name; 405 for a remote one. */
  local(name: string, method: string): RepoRuntime {
    const repo = this.storage(name, method);
    if (!repo.isLocal) {
      throw new AapiError('AAPI_ERR_METHOD_NOT_ALLOWED', `${method} on remote repository ${name}; only local repositories accept uploads`);
    }
    return repo;
  }

  async get(target: ResolvedRepository, path: string, request: RequestView = {}): Promise<ServedFrom> {
    if (target.kind !== 'virtual') return this.engine.get(target.repo, path, request);
    const first = target.members[0];
    if (first) {
      const { verdict } = this.engine.classify(first, path);
      const merger = verdict.index === undefined ? undefined : first.plugin.mergers[verdict.index];
      if (merger) return this.merged(target, path, request, merger);
    }
    return this.firstMember(target, path, request);
  }

  put(repo: string, path: string, body: Readable, options: PutOptions = {}): Promise<CacheEntry> {
    return this.engine.put(this.local(repo, 'PUT'), path, body, options);
  }

  publish(repo: string, request: PublishRequest): Promise<{ index: CacheEntry; files: CacheEntry[] }> {
    return this.engine.publish(this.local(repo, 'publish'), request);
  }

  delete(repo: string, path: string): Promise<boolean> {
    return this.engine.delete(this.local(repo, 'DELETE'), path);
  }

  list(repo: string, options?: ListOptions): Promise<ListPage> {
    return this.engine.list(this.storage(repo, 'listing'), options);
  }

  browse(repo: string, options: BrowseOptions): Promise<BrowsePage> {
    return this.engine.browse(this.storage(repo, 'browsing'), options);
  }

  evict(repo: string, target: { path: string } | { prefix: string }): Promise<number> {
    return this.engine.evict(this.storage(repo, 'eviction'), target);
  }

  /** Members in order; the first that has the path (and may serve it) answers. */
  private async firstMember(target: Extract<ResolvedRepository, { kind: 'virtual' }>, path: string, request: RequestView): Promise<ServedFrom> {
    let lastMiss: AapiError | undefined;
    for (const member of target.members) {
      try {
        return { ...(await this.engine.get(member, path, request)), member: member.name };
      } catch (err) {
        if (!isMemberMiss(err)) throw err;
        lastMiss = err;
      }
    }
    throw lastMiss?.status === 404 || !lastMiss ? new AapiError('AAPI_ERR_NOT_FOUND', `${target.name}/${path}`) : lastMiss;
  }

  /**
   * Every member's document as it would be served to this client, merged in the worker pool by
   * the plugin's merger. Members that lack the path are left out; none having it is a 404.
   */
  private async merged(
    target: Extract<ResolvedRepository, { kind: 'virtual' }>,
    path: string,
    request: RequestView,
    merger: NonNullable<RepoRuntime['plugin']['mergers'][string]>,
  ): Promise<ServedFrom> {
    const parts: { doc: MergeDocument; served: Served }[] = [];
    for (const member of target.members) {
      let served: Served;
      try {
        served = await this.engine.get(member, path, request);
      } catch (err) {
        if (isMemberMiss(err)) continue;
        throw err;
      }
      const body = await readServed(served, MAX_MERGE_DOCUMENT);
      parts.push({ served, doc: { repo: member.name, kind: member.isLocal ? 'local' : 'remote', body, contentType: served.contentType } });
    }
    if (parts.length === 0) throw new AapiError('AAPI_ERR_NOT_FOUND', `${target.name}/${path}`);
    const first = target.members[0]!;
    const input: MergeInput = {
      documents: parts.map((p) => p.doc),
      ctx: { repo: target.name, path, variant: first.negotiate(path, request.headers ?? {}), publicBase: request.publicBase?.() ?? '' },
    };
    let result: RewriteResult;
    try {
      result = await this.engine.pool.run<MergeInput, RewriteResult>(merger, input);
    } catch (err) {
      const code = err instanceof SyntaxError ? 'AAPI_ERR_UPSTREAM_DOCUMENT' : 'AAPI_ERR_PLUGIN_FAILED';
      throw new AapiError(code, `${first.plugin.type} merger on ${target.name}/${path}: ${(err as Error).message}`, { cause: err });
    }
    const body = Buffer.from(result.body.buffer, result.body.byteOffset, result.body.byteLength);
    const etag = createHash('sha256');
    for (const p of parts) etag.update(`${p.doc.repo}\u0000${p.served.etag ?? ''}\u0000`);
    const fresh = parts.some((p) => p.served.source === 'remote');
    return {
      cache: fresh ? 'MISS' : 'HIT',
      source: fresh ? 'remote' : 'cache',
      size: body.byteLength,
      contentType: result.contentType ?? parts[0]!.doc.contentType,
      etag: `"m-${etag.update(input.ctx.variant).digest('hex').slice(0, 40)}"`,
      vary: parts[0]!.served.vary,
      open: async (range) => (range ? body.subarray(range.start, range.end + 1) : body),
      discard() {},
    };
  }
}

/** A member that does not have the path, or may not serve it, lets the next one try. */
function isMemberMiss(err: unknown): err is AapiError {
  return isAapiError(err) && (err.status === 404 || err.status === 410 || err.code === 'AAPI_ERR_PATH_DENIED');
}

/** The whole body of a served artifact; refused above `max` bytes. */
export async function readServed(served: Served, max: number): Promise<Buffer> {
  if (served.size !== undefined && served.size > max) {
    served.discard();
    throw new AapiError('AAPI_ERR_UPSTREAM_TOO_LARGE', `${served.size} bytes is over ${max}`);
  }
  const body = await served.open();
  if (Buffer.isBuffer(body)) return body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > max) {
      body.destroy();
      throw new AapiError('AAPI_ERR_UPSTREAM_TOO_LARGE', `over ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
