import type { AapiError } from '../errors.js';

const MAX_LENGTH = 200;

/**
 * The HTTP reason phrase of an error response: its code and message instead of the bare
 * `Forbidden`, because pnpm and pip print the status line and never the body. Limited to
 * printable ASCII (all a status line may safely carry) and to a length proxies accept.
 */
export function reasonPhrase(err: AapiError): string {
  const text = `${err.code}: ${err.message}`.replace(/[^\x20-\x7e]/g, '?');
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 3)}...` : text;
}
