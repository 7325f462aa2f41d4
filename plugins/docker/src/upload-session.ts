import { randomUUID } from 'node:crypto';
import { uploadRangeHeader } from './content-range.js';
import { RegistryError } from './errors.js';
import { isImageName, parseDigest } from './reference.js';

/**
 * Bookkeeping of a blob upload to a local registry, as plain data the metadata store can hold,
 * so a PATCH may land on another replica than the POST. The bytes live in the blob store's
 * temporary area; this records where the upload stands and what the client is told.
 */

export interface UploadSession {
  id: string;
  repository: string;
  image: string;
  /** Bytes received so far: the next chunk starts here. */
  size: number;
  /** Epoch milliseconds. */
  startedAt: number;
  updatedAt: number;
}

/** An upload with no chunk for this long is abandoned, and its bytes are deleted. */
export const UPLOAD_IDLE_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** What a POST to `…/blobs/uploads/` asks for. */
export type UploadStart =
  | { kind: 'session' }
  /** `?digest=`: the body is the whole blob. */
  | { kind: 'monolithic'; digest: string }
  /** `?mount=&from=`: `from` as the client wrote it, `{repo}/{image}` in the product's URL space. */
  | { kind: 'mount'; digest: string; fromRepository: string; fromImage: string };

export function newUploadSession(repository: string, image: string, now: number): UploadSession {
  return { id: randomUUID(), repository, image, size: 0, startedAt: now, updatedAt: now };
}

/** The session after a chunk brought it to `size` bytes. */
export function advanceUpload(session: UploadSession, size: number, now: number): UploadSession {
  return { ...session, size, updatedAt: now };
}

export function isAbandoned(session: UploadSession, now: number, idleMs = UPLOAD_IDLE_TIMEOUT_MS): boolean {
  return now - session.updatedAt > idleMs;
}

/** The upload's URL path; clients resolve it against the request URL, so it needs no host. */
export function uploadLocation(session: Pick<UploadSession, 'id' | 'repository' | 'image'>): string {
  return `/v2/${session.repository}/${session.image}/blobs/uploads/${session.id}`;
}

/** Headers of a 202 (POST, PATCH) or 204 (status GET) about the upload. */
export function uploadHeaders(session: UploadSession): Record<string, string> {
  return {
    location: uploadLocation(session),
    range: uploadRangeHeader(session.size),
    'docker-upload-uuid': session.id,
    'content-length': '0',
  };
}

/**
 * Reads the query of a POST to `…/blobs/uploads/`. A mount whose `from` is not a
 * `{repo}/{image}` name is a plain upload (the spec lets a registry answer any mount with 202),
 * never an error; a `digest` that breaks the grammar is DIGEST_INVALID.
 */
export function parseUploadStart(query: URLSearchParams | string): UploadStart {
  const params = typeof query === 'string' ? new URLSearchParams(query) : query;
  const mount = params.get('mount');
  if (mount !== null) {
    parseDigest(mount);
    const from = params.get('from') ?? '';
    const slash = from.indexOf('/');
    const fromRepository = from.slice(0, slash);
    const fromImage = from.slice(slash + 1);
    if (slash > 0 && isImageName(fromImage)) return { kind: 'mount', digest: mount, fromRepository, fromImage };
    return { kind: 'session' };
  }
  const digest = params.get('digest');
  if (digest !== null) {
    parseDigest(digest);
    return { kind: 'monolithic', digest };
  }
  return { kind: 'session' };
}

/**
 * The closing PUT's check: the `?digest=` it must carry, against what the stored bytes hash to.
 * DIGEST_INVALID when it is missing, malformed, or does not match; the caller then deletes the
 * upload's bytes, so nothing partial or mislabelled is ever committed.
 */
export function checkFinalDigest(expected: string | null | undefined, actual: string): string {
  if (expected === undefined || expected === null || expected === '') {
    throw new RegistryError('DIGEST_INVALID', { message: 'the closing PUT names no digest' });
  }
  parseDigest(expected);
  if (expected !== actual) throw new RegistryError('DIGEST_INVALID', { detail: { expected, actual } });
  return expected;
}
