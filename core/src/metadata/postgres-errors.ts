import { AapiError } from '../errors.js';

/** SQLSTATEs a backend sends as it goes away: admin_shutdown, crash_shutdown. */
const GONE_STATES = new Set(['57P01', '57P02']);
const GONE_CODES = new Set(['ECONNRESET', 'EPIPE']);
// pg's wording for a socket that closed under a query or before it; not its connect timeout.
const GONE_MESSAGE = /^Connection terminated unexpectedly$|connection error and is not queryable|socket has been ended/;

/**
 * Whether `err` says a pooled connection died (backend terminated, socket reset) rather than that
 * the server cannot be reached at all. The pool drops such a connection, so the next attempt gets a
 * fresh one; a refused or timed-out connect is not in this class, retrying it at once is pointless.
 */
export function isConnectionLost(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (GONE_STATES.has(code) || GONE_CODES.has(code))) return true;
  return GONE_MESSAGE.test(err.message);
}

/** Wraps anything the driver throws as AAPI_ERR_METADATA_UNAVAILABLE; an AapiError passes through. */
export function unavailable(detail: string, cause: unknown): AapiError {
  if (cause instanceof AapiError) return cause;
  const reason = cause instanceof Error ? cause.message || String((cause as { code?: unknown }).code ?? cause.name) : String(cause);
  return new AapiError('AAPI_ERR_METADATA_UNAVAILABLE', `postgres: ${detail}: ${reason}`, { cause });
}
