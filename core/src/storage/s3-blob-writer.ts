import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BlobWriter, Sha256Hex } from './blob-store.js';
import { BlobWriterState, StatefulBlobWriter } from './blob-writer-state.js';
import { toStorageError } from './s3-errors.js';

/** What a writer needs from its store. */
export interface S3WriterHost {
  readonly client: S3Client;
  readonly bucket: string;
  /** Throws AAPI_ERR_REQUEST_INVALID for a malformed digest. */
  blobKey(digest: Sha256Hex): string;
  /** Moves the complete temporary object to the digest's key (or drops it when that exists). */
  publish(tmpKey: string, digest: Sha256Hex, size: number): Promise<void>;
  /** Deletes a temporary object; best effort, cleanOrphans collects what it misses. */
  discardTemp(tmpKey: string): Promise<void>;
}

/**
 * Multipart part size. With two parts in flight and one being filled, a writer holds about three
 * parts in memory whatever the body's size (S3's minimum part is 5 MiB).
 */
export const PART_BYTES = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;
/** How long abort waits for a part already on the wire before giving up on it. */
const ABORT_GRACE_MS = 30_000;

/**
 * One blob being uploaded to a temporary key. `stream` feeds lib-storage's Upload, which sends a
 * body of unknown length as a single PUT when it fits in one part and as a multipart upload
 * otherwise; a multipart object does not exist at its key before CompleteMultipartUpload.
 */
export class S3BlobWriter extends StatefulBlobWriter implements BlobWriter {
  readonly stream: Transform;
  readonly tmpKey: string;
  readonly #host: S3WriterHost;
  readonly #upload: Upload;
  /** Settles when the Upload has stopped, whatever the outcome; never rejects. */
  readonly #uploaded: Promise<void>;
  protected override readonly state: BlobWriterState;
  #uploadError: unknown;
  #size = 0;

  constructor(host: S3WriterHost, tmpKey: string) {
    super();
    this.#host = host;
    this.tmpKey = tmpKey;
    this.stream = new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) => {
        this.#size += chunk.length;
        done(null, chunk);
      },
    });
    this.state = new BlobWriterState(this.stream, {
      checkDigest: (digest) => {
        host.blobKey(digest);
      },
      flush: () => this.#uploaded,
      publish: async (digest) => {
        if (this.#uploadError !== undefined) throw toStorageError(this.#uploadError, `upload of ${tmpKey}`);
        await host.publish(tmpKey, digest, this.#size);
      },
      discard: () => this.#discard(),
    });
    this.#upload = new Upload({
      client: host.client,
      params: { Bucket: host.bucket, Key: tmpKey, Body: this.stream, ContentType: 'application/octet-stream' },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    // Started now, so bytes flow to S3 as they are written rather than piling up until commit.
    this.#uploaded = this.#upload.done().then(
      () => undefined,
      (err: unknown) => {
        this.#uploadError ??= err;
        // Nobody reads the stream any more: fail it, or a writer waiting for 'drain' waits forever.
        if (this.state.phase === 'open') this.stream.destroy(toStorageError(err, `upload of ${tmpKey}`));
      },
    );
  }

  /**
   * Ends the Upload by failing its body (it then aborts its multipart upload itself) and waits for
   * it to stop before deleting the temporary key. `upload.abort()` alone would settle at once
   * while a part or a single PUT is still on the wire, which could land after our delete and
   * leave a temporary object behind; it is only the fallback when S3 stops answering.
   */
  async #discard(): Promise<void> {
    if (!this.stream.destroyed) this.stream.destroy();
    let timer: NodeJS.Timeout | undefined;
    const stalled = await Promise.race([
      this.#uploaded.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), ABORT_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
    if (stalled) await this.#upload.abort();
    // Only a body that ended can have become an object at the temporary key (one PUT, or a
    // completed multipart upload); a miss that ends in a 404 then costs S3 no request at all.
    if (this.stream.writableEnded) await this.#host.discardTemp(this.tmpKey);
  }
}
