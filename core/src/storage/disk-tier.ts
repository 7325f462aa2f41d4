import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { DIGEST } from './blob-args.js';
import type { Sha256Hex } from './blob-store.js';
import { DiskFill } from './disk-fill.js';
import { FILE_READ_CHUNK_BYTES } from './file-read-stream.js';

/** Options of {@link DiskTier}: the normalised `storage.disk_cache` block. */
export interface DiskTierOptions {
  /** Directory of this replica's copies; created when missing. */
  path: string;
  /** Bytes of copies kept; the least recently used go first. */
  maxBytes: number;
  /** Where the tier says that it could not start (it then stays out of the way). */
  log?: { warn(obj: object, msg: string): void };
}

/** Counters since the process started, and what the tier holds now. */
export interface DiskTierStats {
  /** Reads served from a local copy. */
  hits: number;
  /** Reads that found no usable local copy and went to the backing store. */
  misses: number;
  /** Copies stored, by read-through or by a write of this replica. */
  fills: number;
  /** Fills given up: a write error such as ENOSPC, a copy larger than the tier, a digest mismatch. */
  fill_failures: number;
  /** Local copies found damaged (size or sha256) and thrown away. */
  corrupt: number;
  /** Copies removed to stay under the size bound. */
  evictions: number;
  /** Bytes of the copies held. */
  bytes: number;
  entries: number;
  max_bytes: number;
}

/** An open, checked local copy; the reader owns (and closes) the handle. */
export interface LocalCopy {
  handle: FileHandle;
  size: number;
}

interface Entry {
  size: number;
  /** The file identity whose bytes were last hashed; a copy that differs is hashed again before use. */
  verified?: { ino: bigint; ctimeNs: bigint };
}

const SHARD = /^[0-9a-f]{2}$/;

/**
 * A bounded local copy of blobs, by digest, in front of a remote blob store (S3).
 *
 * Layout: `<path>/sha256/<aa>/<digest>` for copies, `<path>/tmp/` for fills. A fill hashes while it
 * writes and is renamed into place only when its sha256 is the digest. Before a copy is served, its
 * size is checked against the index, and it is hashed again whenever its inode or ctime differ
 * from when it was last hashed (any write to the file changes its ctime): so a copy changed on
 * disk, and every copy found at start, is verified once before its first use, and an unchanged one
 * costs a stat. A copy that fails either check is deleted and the read goes to the backing store.
 *
 * The index is in memory, rebuilt at start from the directory (oldest modification first, an
 * approximation of recency). Eviction unlinks the file; a response already reading it keeps its
 * descriptor, so nothing in progress breaks.
 */
export class DiskTier {
  readonly path: string;
  readonly maxBytes: number;
  readonly #blobDir: string;
  readonly #tmpDir: string;
  readonly #entries: LRUCache<Sha256Hex, Entry>;
  readonly #log: DiskTierOptions['log'];
  /** Digests being filled by a read-through, so concurrent misses fill once. */
  readonly #filling = new Set<Sha256Hex>();
  #started: Promise<boolean> | undefined;
  readonly #counts = { hits: 0, misses: 0, fills: 0, fill_failures: 0, corrupt: 0, evictions: 0 };

  constructor(options: DiskTierOptions) {
    this.path = options.path;
    this.maxBytes = options.maxBytes;
    this.#log = options.log;
    this.#blobDir = join(options.path, 'sha256');
    this.#tmpDir = join(options.path, 'tmp');
    this.#entries = new LRUCache({
      maxSize: Math.max(1, options.maxBytes),
      sizeCalculation: (entry) => Math.max(1, entry.size),
      dispose: (_entry, digest, reason) => {
        if (reason !== 'evict') return;
        this.#counts.evictions++;
        void unlink(this.#copyPath(digest)).catch(() => undefined);
      },
    });
  }

  /**
   * Empties `tmp/` and indexes the copies already on disk; resolves false (after logging why)
   * when the directory cannot be used, and the tier then passes every call through.
   */
  start(): Promise<boolean> {
    this.#started ??= this.#scan().then(
      () => true,
      (err: unknown) => {
        this.#log?.warn({ err, path: this.path }, 'the disk cache directory cannot be used; every read goes to the blob store');
        return false;
      },
    );
    return this.#started;
  }

  /** The size of a copy the index holds, without touching the disk or its recency. */
  sizeOf(digest: Sha256Hex): number | undefined {
    return this.#entries.peek(digest)?.size;
  }

  /**
   * Opens the local copy of `digest` after checking it (see the class comment), or undefined when
   * there is none that can be served; a damaged copy is deleted on the way.
   */
  async open(digest: Sha256Hex): Promise<LocalCopy | undefined> {
    const entry = (await this.start()) ? this.#entries.get(digest) : undefined;
    if (!entry) {
      this.#counts.misses++;
      return undefined;
    }
    let handle: FileHandle;
    try {
      handle = await open(this.#copyPath(digest), 'r');
    } catch {
      // Evicted meanwhile, or removed by hand.
      this.#entries.delete(digest);
      this.#counts.misses++;
      return undefined;
    }
    try {
      const st = await handle.stat({ bigint: true });
      const same = entry.verified !== undefined && entry.verified.ino === st.ino && entry.verified.ctimeNs === st.ctimeNs;
      if (Number(st.size) !== entry.size || (!same && (await hashOf(handle, entry.size)) !== digest)) {
        await handle.close();
        this.#counts.corrupt++;
        this.#counts.misses++;
        await this.remove(digest);
        return undefined;
      }
      entry.verified = { ino: st.ino, ctimeNs: st.ctimeNs };
    } catch {
      await handle.close().catch(() => undefined);
      this.#counts.misses++;
      return undefined;
    }
    this.#counts.hits++;
    return { handle, size: entry.size };
  }

  /**
   * Starts a copy of a blob. With `digest` (a read-through) undefined when the tier holds it or a
   * fill of it is under way already; without (a write, digest not yet known) always a fill, unless
   * the tier is unusable.
   */
  async beginFill(digest?: Sha256Hex): Promise<DiskFill | undefined> {
    if (!(await this.start())) return undefined;
    if (digest !== undefined) {
      if (this.#filling.has(digest) || this.#entries.has(digest)) return undefined;
      this.#filling.add(digest);
    }
    const fill = await DiskFill.start(join(this.#tmpDir, randomBytes(16).toString('hex')), this.maxBytes);
    if (!fill && digest !== undefined) this.#filling.delete(digest);
    return fill;
  }

  /** Publishes a fill under `digest` when its bytes hash to it; otherwise drops it. Never rejects. */
  async completeFill(fill: DiskFill, digest: Sha256Hex): Promise<void> {
    try {
      const copy = await fill.finish();
      if (!copy || copy.sha256 !== digest) {
        await fill.discard();
        this.#counts.fill_failures++;
        return;
      }
      const finalPath = this.#copyPath(digest);
      await mkdir(join(this.#blobDir, digest.slice(0, 2)), { recursive: true });
      // Racing fills of one digest hold the same bytes: whichever rename lands last wins, harmlessly.
      await rename(fill.tmpPath, finalPath);
      const st = await stat(finalPath, { bigint: true });
      this.#entries.set(digest, { size: copy.size, verified: { ino: st.ino, ctimeNs: st.ctimeNs } });
      this.#counts.fills++;
    } catch {
      await fill.discard();
      this.#counts.fill_failures++;
    } finally {
      this.#filling.delete(digest);
    }
  }

  /** Drops a fill that will not complete (the read or write it shadowed failed). */
  async abandonFill(fill: DiskFill, digest?: Sha256Hex): Promise<void> {
    if (digest !== undefined) this.#filling.delete(digest);
    await fill.discard();
  }

  /** Removes the copy of `digest`, if any. */
  async remove(digest: Sha256Hex): Promise<void> {
    this.#entries.delete(digest);
    await unlink(this.#copyPath(digest)).catch(() => undefined);
  }

  stats(): DiskTierStats {
    return { ...this.#counts, bytes: this.#entries.calculatedSize, entries: this.#entries.size, max_bytes: this.maxBytes };
  }

  #copyPath(digest: Sha256Hex): string {
    return join(this.#blobDir, digest.slice(0, 2), digest);
  }

  async #scan(): Promise<void> {
    await rm(this.#tmpDir, { recursive: true, force: true });
    await mkdir(this.#tmpDir, { recursive: true });
    await mkdir(this.#blobDir, { recursive: true });
    const found: Array<{ digest: Sha256Hex; size: number; mtimeMs: number }> = [];
    for (const shard of await readdir(this.#blobDir)) {
      if (!SHARD.test(shard)) continue;
      for (const name of await readdir(join(this.#blobDir, shard)).catch(() => [] as string[])) {
        if (!DIGEST.test(name) || !name.startsWith(shard)) continue;
        const st = await stat(join(this.#blobDir, shard, name)).catch(() => undefined);
        if (st?.isFile()) found.push({ digest: name, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
    // Oldest first, so the most recently filled end up most recently used; a tier that shrank evicts the rest.
    found.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const { digest, size } of found) {
      if (size > this.maxBytes) await unlink(this.#copyPath(digest)).catch(() => undefined);
      else this.#entries.set(digest, { size });
    }
  }
}

/** sha256 hex of the first `size` bytes of an open file, read as the fs store reads. */
async function hashOf(handle: FileHandle, size: number): Promise<string> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(Math.min(FILE_READ_CHUNK_BYTES, Math.max(1, size)));
  let position = 0;
  while (position < size) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - position), position);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash.digest('hex');
}
