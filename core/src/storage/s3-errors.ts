import { AapiError } from '../errors.js';

/** The parts of an SDK error that tell what went wrong; network errors carry only `code`. */
interface SdkErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

function shape(err: unknown): SdkErrorShape {
  return typeof err === 'object' && err !== null ? (err as SdkErrorShape) : {};
}

/** HTTP status of an S3 answer, undefined when no answer came (refused, reset, timed out). */
export function s3Status(err: unknown): number | undefined {
  return shape(err).$metadata?.httpStatusCode;
}

/** True for "no such object" (GetObject says NoSuchKey, HeadObject only a bare 404). */
export function isS3NotFound(err: unknown): boolean {
  const { name } = shape(err);
  if (name === 'NoSuchKey' || name === 'NotFound') return true;
  // A missing bucket is a broken backend, not a missing blob.
  return s3Status(err) === 404 && name !== 'NoSuchBucket';
}

/** True when the server does not offer the operation at all (s3rver lacks ListMultipartUploads). */
export function isS3NotImplemented(err: unknown): boolean {
  const status = s3Status(err);
  return status === 501 || status === 405 || shape(err).name === 'NotImplemented';
}

/**
 * Any failure to talk to S3 (refused, reset, timeout, 5xx, and also 403 or a missing bucket: a
 * misconfigured backend is just as unusable) becomes AAPI_ERR_STORAGE_UNAVAILABLE, so the HTTP
 * layer answers 503 naming the blob store. Our own AapiErrors pass through unchanged.
 */
export function toStorageError(err: unknown, what: string): AapiError {
  if (err instanceof AapiError) return err;
  const { name, code } = shape(err);
  const status = s3Status(err);
  const why = [name, code !== name ? code : undefined, status !== undefined ? `HTTP ${status}` : undefined]
    .filter((part) => part !== undefined && part !== 'Error')
    .join(', ');
  return new AapiError('AAPI_ERR_STORAGE_UNAVAILABLE', `s3 ${what} failed${why ? ` (${why})` : ''}`, { cause: err });
}

/** The error `read`/`readAll` reject with for a missing blob: `code: 'ENOENT'`, as the fs store's. */
export function blobNotFound(digest: string, cause: unknown): Error {
  return Object.assign(new Error(`no blob ${digest} in s3`, { cause }), { code: 'ENOENT' });
}
