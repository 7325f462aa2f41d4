import { AapiError } from '../errors.js';

/** An upstream URL split into the part that is sent and the credentials it carried inline. */
export interface RequestTarget {
  /** The URL without userinfo. */
  url: URL;
  /** `user:pass` from the URL's userinfo, if any, already percent-decoded. */
  credentials?: { username: string; password: string };
}

/**
 * Parses an upstream URL and takes any `user:pass@` out of it, so credentials travel only as an
 * Authorization header and never show up in logs, messages or the response's `url`.
 */
export function parseTarget(raw: string): RequestTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The raw string may hold credentials: name only what is safe to show.
    throw new AapiError('AAPI_ERR_UPSTREAM_FAILED', 'invalid upstream URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AapiError('AAPI_ERR_UPSTREAM_FAILED', `unsupported scheme ${url.protocol} for ${url.host}`);
  }
  if (url.username === '' && url.password === '') return { url };
  const credentials = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  url.username = '';
  url.password = '';
  return { url, credentials };
}

/** The `Authorization` value for HTTP Basic credentials. */
export function basicAuth(credentials: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

/**
 * A URL as it may appear in an error message: scheme, host and path only. Userinfo is dropped
 * and so is the query, which often carries signatures (pre-signed storage URLs after a redirect).
 */
export function safeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** The port a URL connects to, the scheme's default when it names none. */
export function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}
