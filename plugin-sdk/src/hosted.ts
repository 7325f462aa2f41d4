import type { Readable } from 'node:stream';
import type { HookContext, RewriteResult } from './types.js';
import type { TaskRef } from './task-ref.js';
import type { StoredObject } from './engine-service.js';

/** The state of an upload session. */
export interface UploadSession {
  /** Opaque id, unguessable; safe to put in a Location header. */
  id: string;
  repo: string;
  /** Bytes received so far; the next chunk must start here. */
  size: number;
  /** ms since epoch. */
  createdAt: number;
  /** ms since epoch of the last chunk; sessions idle longer than the core's limit (one hour) are deleted. */
  updatedAt: number;
}

/**
 * Upload sessions of local repositories: chunked and resumable (docker's POST / PATCH / PUT
 * uploads, or any protocol that sends a file in parts). Bytes are kept by the core, never in
 * plugin memory, and any replica can continue a session another one started. Only repositories
 * whose type sets `hosted.uploadSessions` have them (else AAPI_ERR_METHOD_NOT_ALLOWED).
 * An unknown, finished, cancelled or expired session id throws AAPI_ERR_UPLOAD_UNKNOWN (404;
 * docker's BLOB_UPLOAD_UNKNOWN), except in `status` and `cancel`.
 */
export interface UploadSessions {
  /** Opens an empty session. */
  start(repo: string): Promise<UploadSession>;
  /** The session, or undefined when it does not exist (finished, cancelled, expired). */
  status(repo: string, id: string): Promise<UploadSession | undefined>;
  /**
   * Appends a chunk and resolves to the session after it. `offset`, when given, must equal the
   * session's size, else AAPI_ERR_RANGE_NOT_SATISFIABLE (416; docker's RANGE_INVALID) and nothing
   * is written. `length`, when given, must match the body (else AAPI_ERR_REQUEST_INVALID). A body
   * without length streams until its end. A chunk cut short leaves the session where it was.
   */
  append(repo: string, id: string, body: Readable, options?: { offset?: number; length?: number }): Promise<UploadSession>;
  /**
   * Verifies the whole upload against `sha256` (lower-case hex) and stores it at `path` like a
   * `put` (content-addressed, on every replica); the session ends. A mismatch stores nothing,
   * deletes the bytes, ends the session and throws AAPI_ERR_CHECKSUM_MISMATCH (docker's
   * DIGEST_INVALID). Other failures (storage down) keep the session for a retry.
   */
  commit(repo: string, id: string, path: string, options: { sha256: string; contentType?: string }): Promise<StoredObject>;
  /** Ends a session and deletes its bytes; resolves to whether it existed. */
  cancel(repo: string, id: string): Promise<boolean>;
}

/** A file a publish stores, as the publish task sees it (stored and verified before the task runs). */
export interface PublishedFile {
  path: string;
  size: number;
  /** Lower-case hex sha256 of the stored bytes. */
  sha256: string;
}

/**
 * What a publish task receives: the index document as stored (absent for a first publish), the
 * publish request's document, and the files the publish stored.
 */
export interface PublishInput {
  index?: Uint8Array;
  /** The publish request's document (npm's publish body, a twine form's fields…), as the plugin's route collected it. */
  request: Uint8Array;
  files: PublishedFile[];
  ctx: { repo: string; path: string; options: Record<string, unknown> };
}

/** A publish to a local repository through `EngineService.publish`. */
export interface PublishRequest {
  /** The index kind: a key of `hosted.publish`, whose task computes the new index document. */
  kind: string;
  /** Where the index document is stored (a mutable entry). */
  indexPath: string;
  /** Passed to the task as `PublishInput.request`. */
  request: Uint8Array;
  /** Stored (and verified when `sha256` is given) before the task runs. */
  files?: readonly { path: string; body: Readable; sha256?: string; contentType?: string; length?: number }[];
}

/**
 * What local repositories of the type accept beyond plain PUT / DELETE of a path.
 * All parts are optional; the core's default is "plain files only".
 */
export interface HostedDefinition {
  /**
   * Mutable references (docker tags, npm dist-tags): a path for which this returns true is
   * recorded as mutable when written, so listings and replicas treat it as one that changes.
   */
  isReference?(path: string, ctx: HookContext): boolean;
  /** Whether local repositories of the type use upload sessions (RoutesContext.uploads). */
  uploadSessions?: boolean;
  /**
   * Publishes that update an index document, by index kind: the task returns the new document,
   * which the core stores at the index's path (npm publish → packument, twine → simple page,
   * helm push → index.yaml).
   */
  publish?: Readonly<Record<string, TaskRef<PublishInput, RewriteResult>>>;
}
