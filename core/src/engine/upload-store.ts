import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { PluginLogger, UploadSession } from '@artifactapi/plugin-sdk';
import type { Coordinator } from '../coord/coordinator.js';
import { withLock } from '../coord/with-lock.js';
import { AapiError, isAapiError } from '../errors.js';
import type { CacheEntry } from '../metadata/metadata-store.js';
import type { PutOptions } from './local-writes.js';
import type { RepoRuntime } from './repo-runtime.js';

/** Sessions idle longer than this are forgotten and their bytes swept. */
export const UPLOAD_IDLE_MS = 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;
/** Held while one chunk is written or the session is committed; renewed while held. */
const SESSION_LOCK_TTL_MS = 30_000;
const ID = /^[0-9a-f]{32}$/;

/** What the coordinator keeps per session (the bytes are in `dir/<id>`). */
interface SessionState {
  repo: string;
  size: number;
  createdAt: number;
  updatedAt: number;
}

export interface UploadStoreDeps {
  coord: Coordinator;
  /** Where session bytes are spooled: one file per session, shared by replicas that share storage. */
  dir: string;
  /** Stores the finished bytes like an upload (content-addressed, entry recorded on every replica). */
  put(repo: RepoRuntime, path: string, body: Readable, options: PutOptions): Promise<CacheEntry>;
  log: PluginLogger;
  /** Idle limit; default {@link UPLOAD_IDLE_MS}. */
  idleMs?: number;
}

/**
 * Chunked, resumable upload sessions of local repositories (the core side of the SDK's
 * `UploadSessions`). Bytes go to a spool file per session; the offset and times live in a
 * coordinator TTL key, so any replica that shares the spool directory and the coordinator can
 * continue a session, and an abandoned one simply expires. A sweep (one replica at a time) then
 * removes spool files whose key is gone. No running hash is kept: Node cannot serialise one for
 * another replica, and commit copies the bytes into the blob store anyway, hashing as it goes.
 */
export class UploadStore {
  private readonly idleMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: UploadStoreDeps) {
    this.idleMs = deps.idleMs ?? UPLOAD_IDLE_MS;
  }

  /** Sweeps once now, then every few minutes until {@link stop}. */
  async start(): Promise<void> {
    await mkdir(this.deps.dir, { recursive: true });
    await this.sweepLogged();
    this.timer = setInterval(() => void this.sweepLogged(), Math.min(SWEEP_INTERVAL_MS, this.idleMs)).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async begin(repo: RepoRuntime): Promise<UploadSession> {
    const id = randomBytes(16).toString('hex');
    const now = Date.now();
    const state: SessionState = { repo: repo.name, size: 0, createdAt: now, updatedAt: now };
    // Key first, file second: a file without a key is always one the sweep may remove.
    await this.save(id, state);
    await mkdir(this.deps.dir, { recursive: true });
    await (await open(this.file(id), 'wx')).close();
    return session(id, state);
  }

  async status(repo: RepoRuntime, id: string): Promise<UploadSession | undefined> {
    const state = await this.load(repo, id);
    return state && session(id, state);
  }

  /**
   * Writes a chunk at the session's offset. `offset`, when given, must be the current size
   * (AAPI_ERR_RANGE_NOT_SATISFIABLE otherwise); `length`, when given, must match the body. A
   * chunk that fails part-way leaves the session at its old size.
   */
  async append(repo: RepoRuntime, id: string, body: Readable, options: { offset?: number; length?: number } = {}): Promise<UploadSession> {
    return this.locked(id, async () => {
      const state = await this.required(repo, id);
      if (options.offset !== undefined && options.offset !== state.size) {
        throw new AapiError('AAPI_ERR_RANGE_NOT_SATISFIABLE', `upload ${id} is at offset ${state.size}, the chunk starts at ${options.offset}`, {
          headers: { range: `0-${Math.max(state.size - 1, 0)}` },
        });
      }
      const handle = await open(this.file(id), 'r+');
      let written = 0;
      try {
        // Bytes past the offset are from a chunk that failed part-way.
        await handle.truncate(state.size);
        for await (const chunk of body as AsyncIterable<Buffer>) {
          if (options.length !== undefined && written + chunk.byteLength > options.length) throw lengthMismatch(options.length, 'longer');
          await handle.write(chunk, 0, chunk.byteLength, state.size + written);
          written += chunk.byteLength;
        }
      } finally {
        await handle.close();
      }
      if (options.length !== undefined && written !== options.length) throw lengthMismatch(options.length, 'shorter');
      // The key may have expired while a slow chunk came in; the sweep may then own the file.
      if ((await this.load(repo, id)) === undefined) throw unknown(id);
      const next: SessionState = { ...state, size: state.size + written, updatedAt: Date.now() };
      await this.save(id, next);
      return session(id, next);
    });
  }

  /**
   * Stores the session's bytes at `path` if they hash to `sha256`, and ends the session. A
   * mismatch ends it too, deleting the bytes (AAPI_ERR_CHECKSUM_MISMATCH); other failures
   * (storage down) keep it so the client may retry.
   */
  async commit(repo: RepoRuntime, id: string, path: string, options: { sha256: string; contentType?: string }): Promise<CacheEntry> {
    if (!/^[0-9a-fA-F]{64}$/.test(options.sha256)) throw new AapiError('AAPI_ERR_REQUEST_INVALID', `sha256 must be 64 hex digits, got ${JSON.stringify(options.sha256)}`);
    return this.locked(id, async () => {
      const state = await this.required(repo, id);
      const body = state.size === 0 ? Readable.from([]) : createReadStream(this.file(id), { start: 0, end: state.size - 1 });
      let entry: CacheEntry;
      try {
        entry = await this.deps.put(repo, path, body, {
          sha256: options.sha256.toLowerCase(),
          length: state.size,
          ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
        });
      } catch (err) {
        if (isAapiError(err) && err.code === 'AAPI_ERR_CHECKSUM_MISMATCH') await this.remove(id);
        throw err;
      }
      await this.remove(id);
      return entry;
    });
  }

  /** Ends a session and deletes its bytes; resolves to whether it existed. */
  async cancel(repo: RepoRuntime, id: string): Promise<boolean> {
    return this.locked(id, async () => {
      if ((await this.load(repo, id)) === undefined) return false;
      await this.remove(id);
      return true;
    });
  }

  /**
   * Removes spool files whose session has expired (or ended without cleaning up), on one replica
   * at a time; another replica sweeping already makes this a no-op. Resolves to how many.
   */
  async sweep(): Promise<number> {
    const lock = await this.deps.coord.tryLock('upload:sweep', SESSION_LOCK_TTL_MS);
    if (!lock) return 0;
    let removed = 0;
    try {
      const names = await readdir(this.deps.dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
      for (const name of names) {
        if (!ID.test(name) || (await this.deps.coord.getTtl(key(name))) !== undefined) continue;
        await rm(this.file(name), { force: true });
        removed++;
      }
    } finally {
      await lock.release();
    }
    return removed;
  }

  private async sweepLogged(): Promise<void> {
    try {
      const removed = await this.sweep();
      if (removed > 0) this.deps.log.info({ removed }, 'removed abandoned upload sessions');
    } catch (err) {
      this.deps.log.warn({ err }, 'could not sweep abandoned upload sessions; will try again');
    }
  }

  /** Runs `fn` holding the session's lock; a second writer waits its turn (and then finds the offset moved). */
  private async locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    if (!ID.test(id)) throw unknown(id);
    return withLock(this.deps.coord, `upload:lock:${id}`, SESSION_LOCK_TTL_MS, fn);
  }

  private async load(repo: RepoRuntime, id: string): Promise<SessionState | undefined> {
    if (!ID.test(id)) return undefined;
    const raw = await this.deps.coord.getTtl(key(id));
    if (raw === undefined) return undefined;
    const state = JSON.parse(raw) as SessionState;
    // A session id of another repository is as unknown here as a made-up one.
    return state.repo === repo.name ? state : undefined;
  }

  private async required(repo: RepoRuntime, id: string): Promise<SessionState> {
    const state = await this.load(repo, id);
    if (!state) throw unknown(id);
    return state;
  }

  private save(id: string, state: SessionState): Promise<void> {
    return this.deps.coord.setTtl(key(id), JSON.stringify(state), this.idleMs);
  }

  private async remove(id: string): Promise<void> {
    await this.deps.coord.deleteTtl(key(id));
    await rm(this.file(id), { force: true });
  }

  private file(id: string): string {
    return join(this.deps.dir, id);
  }
}

function key(id: string): string {
  return `upload:session:${id}`;
}

function session(id: string, state: SessionState): UploadSession {
  return { id, repo: state.repo, size: state.size, createdAt: state.createdAt, updatedAt: state.updatedAt };
}

function unknown(id: string): AapiError {
  return new AapiError('AAPI_ERR_UPLOAD_UNKNOWN', `${id} (finished, cancelled or expired)`);
}

function lengthMismatch(length: number, how: string): AapiError {
  return new AapiError('AAPI_ERR_REQUEST_INVALID', `chunk is ${how} than its declared length ${length}`);
}
