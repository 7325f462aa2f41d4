import type { Readable } from 'node:stream';
import type { HookContext, RewriteResult } from './types.js';
import type { TaskRef } from './task-ref.js';

/** The state of an upload session. */
export interface UploadSession {
  /** Opaque id, unguessable; safe to put in a Location header. */
  id: string;
  repo: string;
  /** Bytes received so far; the next chunk must start here. */
  size: number;
  /** ms since epoch; sessions idle longer than the core's limit are deleted. */
  updatedAt: number;
}

/**
 * Upload sessions of local repositories: chunked and resumable (docker's POST / PATCH / PUT
 * uploads). Bytes are kept by the core, never in plugin memory; `commit` verifies the digest and
 * stores the result like a `put`.
 */
export interface UploadSessions {
  start(repo: string): Promise<UploadSession>;
  /** The session, or undefined when it does not exist (finished, cancelled, expired). */
  status(repo: string, id: string): Promise<UploadSession | undefined>;
  /**
   * Appends a chunk. `offset`, when given, must equal the session's size (else
   * AAPI_ERR_RANGE_NOT_SATISFIABLE: docker's 416). A body without length streams until its end.
   */
  append(repo: string, id: string, body: Readable, options?: { offset?: number; length?: number }): Promise<UploadSession>;
  /** Verifies the bytes against `sha256` and stores them at `path` (atomically); the session ends. */
  commit(repo: string, id: string, path: string, options: { sha256: string; contentType?: string }): Promise<{ size: number }>;
  cancel(repo: string, id: string): Promise<boolean>;
}

/** What a publish task receives: the index document as stored (absent for a first publish) and the published bytes' facts. */
export interface PublishInput {
  index?: Uint8Array;
  /** The publish request's document (npm's publish body, a twine form's fields…), as the plugin's route collected it. */
  request: Uint8Array;
  ctx: { repo: string; path: string; options: Record<string, unknown> };
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
