import { createWriteStream, existsSync, constants as fsConstants } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { access, mkdir, open, readFile, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { AapiError } from '../errors.js';
import { DIGEST, assertDigest, assertRange } from './blob-args.js';
import type { BlobStat, BlobStore, BlobWriter, ByteRange, Sha256Hex } from './blob-store.js';
import { BlobWriterState, StatefulBlobWriter, watchSignal } from './blob-writer-state.js';
import { FILE_READ_CHUNK_BYTES, FileReadStream } from './file-read-stream.js';

/** Options of {@link FsBlobStore}. */
export interface FsBlobStoreOptions {
  /** Directory that holds `blobs/` and `tmp/`; created when missing. */
  root: string;
}

const SHARD = /^[0-9a-f]{2}$/;
/** Writers kept ready: one for the next miss, one for a second miss before the first is replaced. */
const SPARE_WRITERS = 2;

/**
 * Content-addressed blobs on the local filesystem, the embedded default.
 *
 * Layout: `<root>/blobs/sha256/<aa>/<hash>` for committed blobs, `<root>/tmp/<random>` for
 * blobs being written. A commit fsyncs the temporary file and renames it into place, so a crash
 * leaves either no blob or the whole blob at the final path, plus at worst a file in `tmp/`
 * that {@link FsBlobStore.cleanOrphans} removes at the next start.
 */
export class FsBlobStore implements BlobStore {
  readonly kind = 'fs';
  readonly root: string;
  readonly #blobDir: string;
  readonly #tmpDir: string;
  #tmpReady: Promise<unknown> | undefined;
  /** Shard directories this store has made or found: a commit into one skips the mkdir. */
  readonly #shards = new Set<string>();
  /** Writers made ahead of need, each on an empty file in tmp/. */
  readonly #spares: FsBlobWriter[] = [];
  readonly #making = new Set<Promise<void>>();
  #closed = false;

  constructor(options: FsBlobStoreOptions) {
    if (typeof options?.root !== 'string' || options.root === '') {
      throw new AapiError('AAPI_ERR_CONFIG_INVALID', `options.root must be a non-empty string, got ${JSON.stringify(options?.root)}`);
    }
    this.root = options.root;
    this.#blobDir = join(options.root, 'blobs', 'sha256');
    this.#tmpDir = join(options.root, 'tmp');
  }

  /**
   * Opens a temporary file in `<root>/tmp`. Its `stream` writes each chunk to the file as it comes
   * (no userland buffering beyond the stream's queue), so readers may tail `localPath`.
   * Aborting `signal` aborts the writer. Writers are made ahead of need ({@link SPARE_WRITERS}):
   * making a file took the thread pool 0.3-0.8 ms here, and a cold miss's first byte waited for it
   * (bench/README.md, issue 11).
   */
  async beginWrite(signal?: AbortSignal): Promise<BlobWriter> {
    signal?.throwIfAborted();
    let writer = this.#spares.pop();
    // A spare whose file was removed by hand since (tmp/ emptied) would write into nothing.
    if (writer && !existsSync(writer.localPath)) {
      void writer.abort().catch(() => {});
      writer = undefined;
    }
    // The spares are made again once a writer is done (replenish), off a miss's way to its first
    // byte; only a burst that used them all up makes them at once.
    if (this.#spares.length === 0) this.replenish();
    writer ??= await this.#newWriter();
    // The signal may have fired while the file was being opened.
    await watchSignal(writer, signal);
    return writer;
  }

  /** A writer on a new file in tmp/; `withReader` opens the file for reading too (a spare's). */
  async #newWriter(withReader = false): Promise<FsBlobWriter> {
    this.#tmpReady ??= mkdir(this.#tmpDir, { recursive: true });
    await this.#tmpReady;
    const path = join(this.#tmpDir, randomUUID());
    const handle = await open(path, 'wx').catch(async (err: unknown) => {
      // tmp/ may have been removed by hand since it was created: make it again, once.
      if (!isErrno(err, 'ENOENT')) throw err;
      await mkdir(this.#tmpDir, { recursive: true });
      return open(path, 'wx');
    });
    if (!withReader) return new FsBlobWriter(this, path, handle, undefined);
    try {
      return new FsBlobWriter(this, path, handle, await open(path, 'r'));
    } catch (err) {
      await handle.close().catch(() => {});
      await unlink(path).catch(() => {});
      throw err;
    }
  }

  /** @internal Makes spare writers up to SPARE_WRITERS soon (a writer is done, or one was taken). */
  replenish(): void {
    if (!this.#closed && this.#spares.length + this.#making.size < SPARE_WRITERS) setImmediate(this.#refill);
  }

  /** Makes spare writers up to SPARE_WRITERS; one that cannot be made is simply not there (beginWrite reports why). */
  readonly #refill = (): void => {
    while (!this.#closed && this.#spares.length + this.#making.size < SPARE_WRITERS) {
      const making: Promise<void> = this.#newWriter(true).then(
        (writer) => {
          this.#making.delete(making);
          if (this.#closed) return writer.abort().catch(() => {});
          this.#spares.push(writer);
        },
        () => {
          this.#making.delete(making);
        },
      );
      this.#making.add(making);
    }
  };

  async stat(digest: Sha256Hex): Promise<BlobStat | undefined> {
    try {
      const st = await stat(this.blobPath(digest));
      return { size: st.size };
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  /**
   * Streams a blob, or the inclusive `range` of it. The file is opened before this resolves, so a
   * missing blob rejects (with `code: 'ENOENT'`) instead of failing the stream later, and a blob
   * deleted while it is being read still reads to its end.
   */
  async read(digest: Sha256Hex, range?: ByteRange): Promise<Readable> {
    const path = this.blobPath(digest);
    if (range) assertRange(range);
    const handle = await open(path, 'r');
    return new FileReadStream(handle, FILE_READ_CHUNK_BYTES, range?.start, range?.end);
  }

  async readAll(digest: Sha256Hex): Promise<Buffer> {
    return readFile(this.blobPath(digest));
  }

  /** Removes a blob; a blob that is already gone is not an error. */
  async delete(digest: Sha256Hex): Promise<void> {
    await unlink(this.blobPath(digest)).catch(ignoreEnoent);
  }

  /** Walks `blobs/sha256/<aa>/`; entries that are not blobs are skipped, blobs deleted meanwhile too. */
  async *list(): AsyncIterable<{ digest: Sha256Hex; size: number }> {
    for (const shard of (await readdirOrEmpty(this.#blobDir)).sort()) {
      if (!SHARD.test(shard)) continue;
      const shardDir = join(this.#blobDir, shard);
      for (const name of (await readdirOrEmpty(shardDir)).sort()) {
        if (!DIGEST.test(name) || !name.startsWith(shard)) continue;
        const st = await stat(join(shardDir, name)).catch(ignoreEnoent);
        if (st?.isFile()) yield { digest: name, size: st.size };
      }
    }
  }

  /**
   * Removes everything in `tmp/`. Only safe while no writer is open, hence "called at start":
   * a writer of this process would lose its file. Counts the files that held bytes, i.e. the
   * writes a crash cut off: the empty files kept ready for writes go too, uncounted.
   */
  async cleanOrphans(): Promise<number> {
    let removed = 0;
    for (const name of await readdirOrEmpty(this.#tmpDir)) {
      const path = join(this.#tmpDir, name);
      const written = await stat(path).then((st) => !st.isFile() || st.size > 0, () => false);
      await rm(path, { recursive: true, force: true });
      if (written) removed++;
    }
    return removed;
  }

  async ping(): Promise<void> {
    try {
      await access(this.root, fsConstants.R_OK | fsConstants.W_OK);
    } catch (err) {
      throw new AapiError('AAPI_ERR_STORAGE_UNAVAILABLE', `cannot access ${this.root}`, { cause: err });
    }
  }

  /**
   * Removes the spare writers' files, those still being made included, so that the root can go
   * once this resolves; every other file handle belongs to a writer or a read stream.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#making, ...this.#spares.splice(0).map((writer) => writer.abort().catch(() => {}))]);
  }

  /** Final path of a blob; rejects anything but 64 lower-case hex digits, so no path can escape. */
  blobPath(digest: Sha256Hex): string {
    assertDigest(digest);
    return join(this.#blobDir, digest.slice(0, 2), digest);
  }

  /**
   * Moves a complete, fsynced temporary file to its final path. rename() replaces atomically, so
   * two writers racing on the same digest both succeed, and a blob that is there already is
   * replaced by the same bytes (its readers keep the file they opened). No check for it first: a
   * commit is the first byte-for-byte copy nearly always, and each step is a turn of the thread pool
   * in front of a miss's last byte (bench/README.md, issue 11).
   */
  async publish(tmpPath: string, digest: Sha256Hex): Promise<void> {
    const finalPath = this.blobPath(digest);
    const shard = digest.slice(0, 2);
    const shardDir = join(this.#blobDir, shard);
    if (!this.#shards.has(shard)) await this.#makeShard(shard, shardDir);
    await rename(tmpPath, finalPath).catch(async (err: unknown) => {
      // The shard directory was removed by hand since it was made: make it again, once.
      if (!isErrno(err, 'ENOENT')) throw err;
      await this.#makeShard(shard, shardDir);
      await rename(tmpPath, finalPath);
    });
    await fsyncDir(shardDir);
  }

  async #makeShard(shard: string, shardDir: string): Promise<void> {
    const created = await mkdir(shardDir, { recursive: true });
    if (created !== undefined) await fsyncDir(this.#blobDir);
    this.#shards.add(shard);
  }
}

/** One temporary file being written; see {@link FsBlobStore.beginWrite}. */
class FsBlobWriter extends StatefulBlobWriter implements BlobWriter {
  readonly stream: WriteStream;
  readonly localPath: string;
  protected override readonly state: BlobWriterState;
  /** A read handle on the file, until taken (takeLocalReader) or closed with the writer. */
  #reader: FileHandle | undefined;

  constructor(store: FsBlobStore, path: string, handle: FileHandle, reader: FileHandle | undefined) {
    super();
    this.localPath = path;
    this.#reader = reader;
    // autoClose: false keeps the file open after 'finish', so commit can fsync it; destroying
    // the stream is what closes it, on every path.
    this.stream = createWriteStream(path, { fd: handle, autoClose: false });
    this.state = new BlobWriterState(this.stream, {
      checkDigest: (digest) => {
        store.blobPath(digest);
      },
      flush: () => finished(this.stream),
      publish: async (digest) => {
        this.#closeReader();
        await handle.sync();
        // The rename does not need the file closed: both at once, one turn of the thread pool less.
        await Promise.all([this.#closeStream(), store.publish(path, digest)]);
        store.replenish();
      },
      discard: async () => {
        this.#closeReader();
        await this.#closeStream().catch(() => undefined);
        await unlink(path).catch(ignoreEnoent);
        store.replenish();
      },
    });
  }

  takeLocalReader(): FileHandle | undefined {
    const reader = this.#reader;
    this.#reader = undefined;
    return reader;
  }

  #closeReader(): void {
    void this.#reader?.close().catch(() => {});
    this.#reader = undefined;
  }

  async #closeStream(): Promise<void> {
    if (this.stream.closed) return;
    const closed = once(this.stream, 'close');
    this.stream.destroy();
    await closed;
  }
}


/** Makes a rename or a new entry in `dir` durable. */
async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    // Closing a directory opened for reading cannot lose anything, so the commit does not wait for it.
    handle.close().catch(() => {});
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
}

function isErrno(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === code;
}

function ignoreEnoent(err: unknown): undefined {
  if (isErrno(err, 'ENOENT')) return undefined;
  throw err;
}
