import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AapiError } from '../errors.js';
import { DIGEST, assertDigest, assertRange } from './blob-args.js';
import type { BlobStat, BlobStore, BlobWriter, ByteRange, Sha256Hex } from './blob-store.js';
import { watchSignal } from './blob-writer-state.js';
import { S3BlobWriter } from './s3-blob-writer.js';
import type { S3WriterHost } from './s3-blob-writer.js';
import { createS3Client, normalisePrefix, validateS3Options } from './s3-client.js';
import type { S3ConnectionOptions } from './s3-client.js';
import { copyObject } from './s3-copy.js';
import { fitToRange } from './s3-range.js';
import { blobNotFound, isS3NotFound, isS3NotImplemented, s3Status, toStorageError } from './s3-errors.js';

/** Options of {@link S3BlobStore}: the normalised `storage:` s3 config (its `kind` is ignored). */
export interface S3BlobStoreOptions extends S3ConnectionOptions {
  /**
   * Temporary objects and multipart uploads younger than this are not orphans (default 24 h).
   * Replicas share the bucket, so at one replica's start another may be uploading right now;
   * 0 treats every temporary object as an orphan, which suits a bucket only one process uses.
   */
  orphanAgeMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const PING_TIMEOUT_MS = 10_000;

/**
 * Content-addressed blobs in an S3 bucket (AWS S3, MinIO, Ceph RGW, s3rver).
 *
 * Keys: `<prefix>blobs/sha256/<aa>/<hash>` for committed blobs, `<prefix>tmp/<uuid>` for blobs
 * being written. A writer streams to its temporary key and the commit copies that object to the
 * final key server-side, so the final key only ever holds a whole blob. A crash leaves at worst
 * a temporary object or an incomplete multipart upload, which {@link S3BlobStore.cleanOrphans}
 * removes once older than `orphanAgeMs`.
 */
export class S3BlobStore implements BlobStore, S3WriterHost {
  readonly kind = 's3';
  readonly client: S3Client;
  readonly bucket: string;
  /** Normalised: empty or ending in `/`. */
  readonly prefix: string;
  readonly #orphanAgeMs: number;

  constructor(options: S3BlobStoreOptions) {
    validateS3Options(options);
    const age = options.orphanAgeMs ?? DAY_MS;
    if (!Number.isSafeInteger(age) || age < 0) {
      throw new AapiError('AAPI_ERR_CONFIG_INVALID', `options.orphanAgeMs must be a non-negative integer, got ${JSON.stringify(age)}`);
    }
    this.bucket = options.bucket;
    this.prefix = normalisePrefix(options.prefix);
    this.#orphanAgeMs = age;
    this.client = createS3Client(options);
  }

  /**
   * Starts a writer on a fresh temporary key, without a request: the upload sends its first part
   * once 8 MiB have come, or the whole body as one PUT at the end, so a miss's first byte never
   * waits for S3 (an empty object put first cost a round trip, ~3 ms on s3rver and more on S3,
   * before every cold miss's first byte). A writer that dies before sending anything leaves
   * nothing behind; one that dies later leaves a temporary object or an incomplete multipart
   * upload for cleanOrphans. The writer has no `localPath`: the engine spools locally for its
   * followers, and goes on serving them from the spool when the upload fails.
   */
  async beginWrite(signal?: AbortSignal): Promise<BlobWriter> {
    signal?.throwIfAborted();
    const writer = new S3BlobWriter(this, `${this.prefix}tmp/${randomUUID()}`);
    await watchSignal(writer, signal);
    return writer;
  }

  async stat(digest: Sha256Hex): Promise<BlobStat | undefined> {
    const key = this.blobKey(digest);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: head.ContentLength ?? 0 };
    } catch (err) {
      if (isS3NotFound(err)) return undefined;
      throw toStorageError(err, `HEAD ${key}`);
    }
  }

  /** GetObject with `Range: bytes=start-end`; resolves once S3 has answered, with its body. */
  async read(digest: Sha256Hex, range?: ByteRange): Promise<Readable> {
    const response = await this.#get(digest, range);
    const body = response.Body ?? Readable.from([]);
    // In Node the SDK's body is the HTTP response itself, an IncomingMessage.
    if (!(body instanceof Readable)) throw new AapiError('AAPI_ERR_INTERNAL', 'the S3 client returned a body that is not a Node stream');
    if (!range) return body;
    try {
      return fitToRange(body, range, response.ContentRange);
    } catch (err) {
      throw toStorageError(err, `GET ${this.blobKey(digest)} bytes=${range.start}-${range.end}`);
    }
  }

  /** Signed locally: no request to S3, so it costs no round trip and works while S3 is slow. */
  async presignedUrl(digest: Sha256Hex, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: this.blobKey(digest) }), { expiresIn: expiresInSeconds });
  }

  async readAll(digest: Sha256Hex): Promise<Buffer> {
    const response = await this.#get(digest);
    try {
      const bytes = (await response.Body?.transformToByteArray()) ?? new Uint8Array(0);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      throw toStorageError(err, `reading ${this.blobKey(digest)}`);
    }
  }

  /** Removes a blob; S3 answers a delete of a missing key with success too. */
  async delete(digest: Sha256Hex): Promise<void> {
    const key = this.blobKey(digest);
    await this.#send(`DELETE ${key}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  /** Pages through `blobs/sha256/` in key order; keys that are not blobs are skipped. */
  async *list(): AsyncIterable<{ digest: Sha256Hex; size: number }> {
    const root = `${this.prefix}blobs/sha256/`;
    for await (const object of this.#listObjects(root)) {
      const [shard, name, ...rest] = object.key.slice(root.length).split('/');
      if (rest.length > 0 || name === undefined || !DIGEST.test(name) || shard !== name.slice(0, 2)) continue;
      yield { digest: name, size: object.size };
    }
  }

  /**
   * Deletes temporary objects and aborts incomplete multipart uploads under `tmp/` that are older
   * than `orphanAgeMs`, and returns how many temporary keys it cleared. Younger ones may belong
   * to a writer of another replica sharing the bucket, so they are left for a later run. Servers
   * that cannot list multipart uploads (s3rver) only get their temporary objects cleaned; a
   * bucket lifecycle rule (AbortIncompleteMultipartUpload) is the operator's backstop there.
   */
  async cleanOrphans(): Promise<number> {
    const tmpRoot = `${this.prefix}tmp/`;
    const cleared = new Set<string>();
    for await (const object of this.#listObjects(tmpRoot)) {
      if (!this.#isOrphan(object.lastModified)) continue;
      await this.discardTemp(object.key, true);
      cleared.add(object.key);
    }
    for await (const upload of this.#listUploads(tmpRoot)) {
      if (!this.#isOrphan(upload.initiated)) continue;
      try {
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.key, UploadId: upload.id }));
      } catch (err) {
        // NoSuchUpload (404): it completed or was aborted meanwhile.
        if (!isS3NotFound(err)) throw toStorageError(err, `aborting the multipart upload of ${upload.key}`);
      }
      cleared.add(upload.key);
    }
    return cleared.size;
  }

  /** HeadBucket: the bucket exists and the credentials may use it. */
  async ping(): Promise<void> {
    await this.#send(`HEAD bucket ${this.bucket}`, () =>
      this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: AbortSignal.timeout(PING_TIMEOUT_MS) }),
    );
  }

  /** Closes the client's sockets; writers and read streams still open fail. */
  async close(): Promise<void> {
    this.client.destroy();
  }

  /** Final key of a blob; rejects anything but 64 lower-case hex digits. */
  blobKey(digest: Sha256Hex): string {
    assertDigest(digest);
    return `${this.prefix}blobs/sha256/${digest.slice(0, 2)}/${digest}`;
  }

  /**
   * Publishes a complete temporary object under its digest, then deletes it. When the blob exists
   * already (content-addressed: the same bytes) only the delete is left to do; two writers racing
   * on one digest both copy the same bytes, which is harmless.
   */
  async publish(tmpKey: string, digest: Sha256Hex, size: number): Promise<void> {
    const finalKey = this.blobKey(digest);
    const existing = await this.stat(digest);
    if (existing === undefined) {
      await this.#send(`copy ${tmpKey} to ${finalKey}`, () =>
        copyObject(this.client, { bucket: this.bucket, from: tmpKey, to: finalKey, size }),
      );
    }
    await this.discardTemp(tmpKey);
  }

  /**
   * Deletes a temporary object. Best effort unless `strict`: the blob is already published or
   * given up, and a leftover is an orphan that a later cleanOrphans removes.
   */
  async discardTemp(tmpKey: string, strict = false): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: tmpKey }));
    } catch (err) {
      if (strict && !isS3NotFound(err)) throw toStorageError(err, `DELETE ${tmpKey}`);
    }
  }

  async #get(digest: Sha256Hex, range?: ByteRange): Promise<GetObjectCommandOutput> {
    const key = this.blobKey(digest);
    if (range) assertRange(range);
    try {
      return await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
      );
    } catch (err) {
      if (isS3NotFound(err)) throw blobNotFound(digest, err);
      if (s3Status(err) === 416) {
        throw new AapiError('AAPI_ERR_RANGE_NOT_SATISFIABLE', `bytes=${range?.start}-${range?.end}`, { cause: err });
      }
      throw toStorageError(err, `GET ${key}`);
    }
  }

  async *#listObjects(prefix: string): AsyncIterable<{ key: string; size: number; lastModified: Date | undefined }> {
    let token: string | undefined;
    do {
      const page = await this.#send(`listing ${prefix}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token })),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) yield { key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async *#listUploads(prefix: string): AsyncIterable<{ key: string; id: string; initiated: Date | undefined }> {
    let keyMarker: string | undefined;
    let idMarker: string | undefined;
    for (;;) {
      let page;
      try {
        page = await this.client.send(
          new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: idMarker }),
        );
      } catch (err) {
        if (isS3NotImplemented(err)) return;
        throw toStorageError(err, `listing multipart uploads under ${prefix}`);
      }
      for (const upload of page.Uploads ?? []) {
        if (upload.Key !== undefined && upload.UploadId !== undefined) {
          yield { key: upload.Key, id: upload.UploadId, initiated: upload.Initiated };
        }
      }
      if (!page.IsTruncated) return;
      keyMarker = page.NextKeyMarker;
      idMarker = page.NextUploadIdMarker;
    }
  }

  /** An object of unknown age is not touched; with orphanAgeMs 0 everything is an orphan. */
  #isOrphan(since: Date | undefined): boolean {
    if (this.#orphanAgeMs === 0) return true;
    return since !== undefined && Date.now() - since.getTime() >= this.#orphanAgeMs;
  }

  async #send<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw toStorageError(err, what);
    }
  }
}
