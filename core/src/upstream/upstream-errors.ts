import { AapiError, isAapiError } from '../errors.js';

/** Which timeout fired, for the message. */
export type TimeoutKind = 'connect' | 'headers' | 'idle';

/** The timeouts in force for one request, in seconds, so messages can name the limit. */
export interface TimeoutLimits {
  connect: number;
  headers: number;
  idle: number;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL',
  'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'ETIMEDOUT', 'EADDRNOTAVAIL',
]);

const PHRASES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EPIPE: 'connection closed early',
};

/** The first error code found on the error, its AggregateError members, or its cause. */
function codeOf(err: unknown, depth = 0): string | undefined {
  if (depth > 3 || typeof err !== 'object' || err === null) return undefined;
  const { code } = err as { code?: unknown };
  if (typeof code === 'string') return code;
  if (err instanceof AggregateError && err.errors.length > 0) return codeOf(err.errors[0], depth + 1);
  return codeOf((err as { cause?: unknown }).cause, depth + 1);
}

/** TLS failures: certificate checks and handshake errors. */
function isTlsCode(code: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO|ERR_SSL|ERR_TLS|EPROTO/.test(code);
}

/** The timeout error for `kind`, naming the limit and the (credential-free) URL. */
export function timeoutError(kind: TimeoutKind, limits: TimeoutLimits, where: string, cause?: unknown): AapiError {
  const what = kind === 'connect' ? 'connecting' : kind === 'headers' ? 'waiting for response headers' : 'body idle';
  return new AapiError('AAPI_ERR_UPSTREAM_TIMEOUT', `${what} for more than ${limits[kind]}s: ${where}`, { cause });
}

/**
 * Turns what node:http, TLS or the socket threw into an AapiError (the client's own timeouts are
 * AapiErrors already and pass through). `where` must already be free of credentials (see
 * safeUrl); the original error is kept only as `cause`, whose text comes from Node and holds
 * addresses, never our URLs.
 */
export function toUpstreamError(err: unknown, where: string): AapiError {
  if (isAapiError(err)) return err;
  const code = codeOf(err) ?? '';
  if (UNREACHABLE_CODES.has(code)) {
    return new AapiError('AAPI_ERR_UPSTREAM_UNREACHABLE', `${PHRASES[code] ?? code}: ${where}`, { cause: err });
  }
  if (isTlsCode(code)) {
    return new AapiError('AAPI_ERR_UPSTREAM_UNREACHABLE', `TLS failure (${code}): ${where}`, { cause: err });
  }
  const text = err instanceof Error ? err.message : String(err);
  if (/^Proxy /.test(text)) {
    return new AapiError('AAPI_ERR_UPSTREAM_UNREACHABLE', `outbound proxy refused the request (${text}): ${where}`, {
      cause: err,
    });
  }
  return new AapiError('AAPI_ERR_UPSTREAM_FAILED', `${code !== '' ? code : 'request failed'}: ${where}`, { cause: err });
}

/** True for the errors that mean "the upstream could not be reached": the engine serves stale then. */
export function isUnreachable(err: unknown): boolean {
  return (
    isAapiError(err) &&
    (err.code === 'AAPI_ERR_UPSTREAM_UNREACHABLE' ||
      err.code === 'AAPI_ERR_UPSTREAM_TIMEOUT' ||
      err.code === 'AAPI_ERR_UPSTREAM_BREAKER_OPEN')
  );
}
