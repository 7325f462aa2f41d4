import type { RewriteResult } from './types.js';
import type { TaskRef } from './task-ref.js';

/** One member's document in a merge, in member order. */
export interface MergeDocument {
  /** Member repository name. */
  repo: string;
  kind: 'remote' | 'local';
  /** The member's document as served to this client (already rewritten for the virtual's public URL). */
  body: Uint8Array;
  contentType: string;
}

/** Context of a merge. Plain data: it crosses into a worker thread. */
export interface MergeContext {
  /** The virtual repository. */
  repo: string;
  path: string;
  /** The representation negotiated for the client (see `negotiate`). */
  variant: string;
  /** Public URL of the virtual repository, without a trailing slash. */
  publicBase: string;
}

/** Input of a merger task. */
export interface MergeInput {
  documents: MergeDocument[];
  ctx: MergeContext;
}

/**
 * A merger task: N members' index documents → one (npm packuments, simple pages, index.yaml,
 * tags/list). Runs in the worker pool, pure. Members come in the virtual's order; documents of
 * members that do not have the path are left out. Throw a SyntaxError for an unreadable member
 * document (502 AAPI_ERR_UPSTREAM_DOCUMENT).
 */
export type MergeTask = (input: MergeInput) => RewriteResult | Promise<RewriteResult>;

/** Mergers by index kind. */
export type Mergers = Readonly<Record<string, TaskRef<MergeInput, RewriteResult>>>;
