import type { ErrorInfo } from '@artifactapi/plugin-sdk';

/**
 * npm and yarn print a registry's `error` only when it is a string (npm shows `[object Object]`
 * for the product's `{ error: { code, message } }`), so the code and message go there as one
 * sentence; `code` and `message` stay beside it for scripts.
 */
export function npmErrorBody(error: ErrorInfo): { error: string; code: string; message: string } {
  return { error: `${error.code}: ${error.message}`, code: error.code, message: error.message };
}
