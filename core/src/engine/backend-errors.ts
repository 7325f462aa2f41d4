import { AapiError, isAapiError } from '../errors.js';

/** Whether a storage error says the blob is not there (as opposed to the store being down). */
export function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** A backend failure as the client sees it: 503 naming the backend; an AapiError passes unchanged. */
export function backendError(code: 'AAPI_ERR_METADATA_UNAVAILABLE' | 'AAPI_ERR_STORAGE_UNAVAILABLE', err: unknown): AapiError {
  if (isAapiError(err)) return err;
  return new AapiError(code, (err as Error).message, { cause: err });
}
