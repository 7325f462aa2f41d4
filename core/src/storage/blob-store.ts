import type { Readable, Writable } from 'node:stream';
import type { FileHandle } from 'node:fs/promises';

/** A blob's identity: lower-case hex sha256 of its bytes. */
export type Sha256Hex = string;

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobStat {
  size: number;
}

/**
 * A blob being written. Bytes go to `stream`; nothing is visible to readers until `commit`
 * succeeds, and `abort` (or a crash) leaves no trace that is ever served.
 */
export interface BlobWriter {
  /** Where the bytes go. The writer owns it: call `commit` or `abort`, never `end` directly. */
  readonly stream: Writable;
  /**
   * A local file that holds the bytes written so far, when the store has one. The engine lets
   * concurrent readers follow a download through it; stores without one get a local spool.
   */
  readonly localPath?: string;
  /**
   * A handle on `localPath` opened for reading ahead of need, handed out once: the caller then
   * closes it. Undefined when there is none (open `localPath` instead); one not taken is closed
   * with the writer.
   */
  takeLocalReader?(): FileHandle | undefined;
  /** Finishes the stream and publishes the bytes under `digest`. Idempotent when the blob exists already. */
  commit(digest: Sha256Hex): Promise<void>;
  /** Discards everything written. Safe to call more than once and after a failed commit. */
  abort(): Promise<void>;
}

/**
 * Content-addressed blob storage. Implementations: `fs` (embedded default), `s3`.
 * Every method that takes a digest rejects a malformed one with `AAPI_ERR_REQUEST_INVALID`;
 * the shared conformance suite is core/test/conformance/blob-store-conformance.ts.
 */
export interface BlobStore {
  /** Short name for logs and /health, e.g. `fs`. */
  readonly kind: string;
  /** Starts a new blob whose digest is not known yet. */
  beginWrite(signal?: AbortSignal): Promise<BlobWriter>;
  /** Size of a committed blob, or undefined when it does not exist. */
  stat(digest: Sha256Hex): Promise<BlobStat | undefined>;
  /** Streams a committed blob, or part of it. Rejects with ENOENT-like error when missing. */
  read(digest: Sha256Hex, range?: ByteRange): Promise<Readable>;
  /** Reads a whole small blob into memory. */
  readAll(digest: Sha256Hex): Promise<Buffer>;
  delete(digest: Sha256Hex): Promise<void>;
  /** Every committed blob, for garbage collection. */
  list(): AsyncIterable<{ digest: Sha256Hex; size: number }>;
  /** Removes temporary objects left by a crash; returns how many. Called at start. */
  cleanOrphans(): Promise<number>;
  /**
   * A URL from which a client can GET the committed blob itself for `expiresInSeconds`, for stores
   * the client can reach (S3 presigned URLs). Absent when the store has none.
   */
  presignedUrl?(digest: Sha256Hex, expiresInSeconds: number): Promise<string>;
  /** Throws when the backend cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
