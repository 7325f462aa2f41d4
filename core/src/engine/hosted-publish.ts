import { Readable } from 'node:stream';
import type { PublishInput, PublishRequest, RewriteResult } from '@artifactapi/plugin-sdk';
import type { Coordinator } from '../coord/coordinator.js';
import { withLock } from '../coord/with-lock.js';
import { AapiError } from '../errors.js';
import type { CacheEntry } from '../metadata/metadata-store.js';
import type { WorkerPool } from '../workers/index.js';
import type { EntryStore } from './entry-store.js';
import type { LocalWrites } from './local-writes.js';
import type { RepoRuntime } from './repo-runtime.js';

/** A publish may wait this long for another one of the same index, and holds its lock renewed. */
const PUBLISH_LOCK_TTL_MS = 30_000;

export interface HostedPublishDeps {
  coord: Coordinator;
  pool: WorkerPool;
  entries: EntryStore;
  writes: LocalWrites;
}

/**
 * Publishes that update an index document (DESIGN §9): the files first, then the plugin's
 * publish task over the current index in the worker pool, then the new index as a mutable entry.
 * One publish per index at a time across replicas (a coordinator lock), so two publishes never
 * both start from the same old index and lose one version; files before the index, so a reader
 * never sees an index that names a file not stored yet.
 */
export class HostedPublish {
  constructor(private readonly deps: HostedPublishDeps) {}

  async publish(repo: RepoRuntime, request: PublishRequest): Promise<{ index: CacheEntry; files: CacheEntry[] }> {
    const task = repo.plugin.hosted.publish?.[request.kind];
    if (!task) throw new AapiError('AAPI_ERR_METHOD_NOT_ALLOWED', `publish of ${request.kind} on ${repo.name}: package type ${repo.plugin.type} has no such publish`);
    const indexPath = repo.canonicalPath(request.indexPath);
    return withLock(this.deps.coord, `publish:${repo.name}:${indexPath}`, PUBLISH_LOCK_TTL_MS, async () => {
      const files: CacheEntry[] = [];
      const added: CacheEntry[] = [];
      try {
        for (const file of request.files ?? []) {
          const existed = await this.deps.entries.current(repo.name, repo.canonicalPath(file.path));
          const { path, body, ...options } = file;
          const entry = await this.deps.writes.put(repo, path, body, options);
          files.push(entry);
          if (!existed) added.push(entry);
        }
        // From the metadata store: this replica's memory tier may not have heard of the last publish yet.
        const current = await this.deps.entries.current(repo.name, indexPath);
        const input: PublishInput = {
          ...(current ? { index: await this.deps.entries.bytes(current) } : {}),
          request: request.request,
          files: files.map((f) => ({ path: f.path, size: f.size, sha256: f.digest })),
          ctx: { repo: repo.name, path: indexPath, options: repo.config.options },
        };
        const result = await this.run(repo, indexPath, task, input);
        const body = Buffer.from(result.body.buffer, result.body.byteOffset, result.body.byteLength);
        const index = await this.deps.writes.put(repo, indexPath, Readable.from([body]), {
          contentType: result.contentType ?? current?.contentType ?? 'application/octet-stream',
          length: body.byteLength,
          mutable: true,
        });
        return { index, files };
      } catch (err) {
        // Files only this publish brought are taken back; a replaced file stays replaced.
        await Promise.allSettled(added.map((entry) => this.deps.entries.forget(entry)));
        throw err;
      }
    });
  }

  private async run(
    repo: RepoRuntime,
    indexPath: string,
    task: NonNullable<RepoRuntime['plugin']['hosted']['publish']>[string],
    input: PublishInput,
  ): Promise<RewriteResult> {
    try {
      return await this.deps.pool.run<PublishInput, RewriteResult>(task, input);
    } catch (err) {
      // A request the task cannot read is the client's fault, like an unreadable upstream document.
      const code = err instanceof SyntaxError ? 'AAPI_ERR_REQUEST_INVALID' : 'AAPI_ERR_PLUGIN_FAILED';
      throw new AapiError(code, `${repo.plugin.type} publish of ${repo.name}/${indexPath}: ${(err as Error).message}`, { cause: err });
    }
  }
}
