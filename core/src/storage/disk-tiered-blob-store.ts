import { pipeline, Transform } from 'node:stream';
import type { Readable, TransformCallback } from 'node:stream';
import { assertDigest, assertRange } from './blob-args.js';
import type { BlobStat, BlobStore, BlobWriter, ByteRange, Sha256Hex } from './blob-store.js';
import { watchSignal } from './blob-writer-state.js';
import type { DiskFill } from './disk-fill.js';
import { DiskTier } from './disk-tier.js';
import type { DiskTierOptions, DiskTierStats } from './disk-tier.js';
import { DiskTierWriter } from './disk-tier-writer.js';
import { FILE_READ_CHUNK_BYTES, FileReadStream } from './file-read-stream.js';

/**
 * A remote blob store (S3) with a bounded local disk tier in front (see {@link DiskTier}): reads
 * of a blob held locally, whole or a range, stream from the local file as the fs store does; a
 * whole read that misses streams from the backing store and fills the tier on the way; a write
 * fills it too. Everything else goes to the backing store, which stays the source of truth.
 */
export class DiskTieredBlobStore implements BlobStore {
  readonly kind: string;
  readonly inner: BlobStore;
  readonly tier: DiskTier;
  readonly presignedUrl?: (digest: Sha256Hex, expiresInSeconds: number) => Promise<string>;

  constructor(inner: BlobStore, options: DiskTierOptions) {
    this.inner = inner;
    this.kind = inner.kind;
    this.tier = new DiskTier(options);
    if (inner.presignedUrl) this.presignedUrl = inner.presignedUrl.bind(inner);
  }

  async beginWrite(signal?: AbortSignal): Promise<BlobWriter> {
    const inner = await this.inner.beginWrite(signal);
    const fill = await this.tier.beginFill();
    const writer = new DiskTierWriter(inner, this.tier, fill, assertDigest);
    await watchSignal(writer, signal);
    return writer;
  }

  /** From the tier's index when it holds a copy: a hit then costs no request to the backing store. */
  async stat(digest: Sha256Hex): Promise<BlobStat | undefined> {
    assertDigest(digest);
    const size = this.tier.sizeOf(digest);
    return size === undefined ? this.inner.stat(digest) : { size };
  }

  async read(digest: Sha256Hex, range?: ByteRange): Promise<Readable> {
    assertDigest(digest);
    if (range) assertRange(range);
    const local = await this.tier.open(digest);
    if (local) return new FileReadStream(local.handle, FILE_READ_CHUNK_BYTES, range?.start, range?.end);
    // A range read does not fill: it would cost the whole body from the backing store.
    if (range) return this.inner.read(digest, range);
    const body = await this.inner.read(digest);
    const fill = await this.tier.beginFill(digest);
    if (!fill) return body;
    const copy = new FillingCopy(this.tier, fill, digest);
    // Errors reach the caller through `copy`; a client that goes away destroys the backing body too.
    pipeline(body, copy, () => undefined);
    return copy;
  }

  async readAll(digest: Sha256Hex): Promise<Buffer> {
    assertDigest(digest);
    const local = await this.tier.open(digest);
    if (local) {
      try {
        return await local.handle.readFile();
      } finally {
        await local.handle.close();
      }
    }
    const bytes = await this.inner.readAll(digest);
    const fill = await this.tier.beginFill(digest);
    if (fill) {
      await fill.write(bytes);
      await this.tier.completeFill(fill, digest);
    }
    return bytes;
  }

  async delete(digest: Sha256Hex): Promise<void> {
    await this.inner.delete(digest);
    await this.tier.remove(digest);
  }

  list(): AsyncIterable<{ digest: Sha256Hex; size: number }> {
    return this.inner.list();
  }

  /** The backing store's orphans; the tier empties its own `tmp/` when it starts. */
  async cleanOrphans(): Promise<number> {
    await this.tier.start();
    return this.inner.cleanOrphans();
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  stats(): DiskTierStats {
    return this.tier.stats();
  }
}

/**
 * Passes a whole blob from the backing store to the reader and writes it into the tier as it
 * goes. Each chunk moves on once it is in the file too, so the copy never queues in memory. The
 * copy is published before the reader sees the end; a body that breaks off leaves no copy.
 */
class FillingCopy extends Transform {
  readonly #tier: DiskTier;
  readonly #fill: DiskFill;
  readonly #digest: Sha256Hex;
  #settled = false;

  constructor(tier: DiskTier, fill: DiskFill, digest: Sha256Hex) {
    super();
    this.#tier = tier;
    this.#fill = fill;
    this.#digest = digest;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#fill.write(chunk).then(() => done(null, chunk), done);
  }

  override _flush(done: TransformCallback): void {
    this.#settled = true;
    this.#tier.completeFill(this.#fill, this.#digest).then(() => done(), done);
  }

  override _destroy(err: Error | null, done: (error?: Error | null) => void): void {
    if (this.#settled) {
      done(err);
      return;
    }
    this.#settled = true;
    this.#tier.abandonFill(this.#fill, this.#digest).then(
      () => done(err),
      () => done(err),
    );
  }
}
