import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { BlobWriter, Sha256Hex } from './blob-store.js';
import { BlobWriterState, StatefulBlobWriter } from './blob-writer-state.js';
import type { DiskFill } from './disk-fill.js';
import type { DiskTier } from './disk-tier.js';

/**
 * A writer of the backing store whose bytes are also copied into the disk tier, so that the
 * replica that downloaded a blob serves its first hit locally. The copy is published only after
 * the backing store committed the blob and only when it hashes to the digest; a copy that fails
 * (ENOSPC) is dropped without failing the write. Each chunk is taken once both have it.
 */
export class DiskTierWriter extends StatefulBlobWriter implements BlobWriter {
  readonly stream: Writable;
  readonly localPath?: string;
  protected override readonly state: BlobWriterState;

  constructor(inner: BlobWriter, tier: DiskTier, fill: DiskFill | undefined, checkDigest: (digest: Sha256Hex) => void) {
    super();
    const target = inner.stream;
    if (inner.localPath !== undefined) this.localPath = inner.localPath;
    this.stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        const taken = new Promise<void>((resolve, reject) => {
          target.write(chunk, (err) => (err ? reject(err) : resolve()));
        });
        Promise.all([taken, fill?.write(chunk)]).then(() => done(), done);
      },
    });
    // The backing stream fails on its own (an S3 upload that broke): fail ours, so the copy loop stops.
    target.on('error', (err) => this.stream.destroy(err));
    this.state = new BlobWriterState(this.stream, {
      checkDigest,
      flush: () => finished(this.stream),
      publish: async (digest) => {
        await inner.commit(digest);
        if (fill) await tier.completeFill(fill, digest);
      },
      discard: async () => {
        await Promise.all([inner.abort(), fill ? tier.abandonFill(fill) : undefined]);
      },
    });
  }
}
