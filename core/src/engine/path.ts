import { AapiError } from '../errors.js';
import { canonicalEncoding } from './path-encoding.js';

/** A segment that starts like a userinfo/host switch (`@evil.example`, `@10.0.0.1:80`). */
const HOST_LIKE_AT = /^@[^/]*[.:]/;

/**
 * Validates the path part of a repository URL as the client sent it (percent-encoded, no query)
 * and returns its canonical encoding (see path-encoding.ts), the one spelling the cache, the
 * patterns and the upstream URL start from. Rejected: traversal (`..`, `.`, also encoded), empty
 * segments (`//host`), backslashes, NUL and other control characters, invalid percent-encoding,
 * and segments that look like a `@host` switch. Encoded slashes stay allowed (npm's `@scope%2fname`).
 */
export function normaliseRepoPath(raw: string): string {
  if (raw.length === 0) return raw;
  if (raw.length > 4096) throw invalid('path too long');
  const path = canonicalEncoding(raw);
  const segments = path.split('/');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    // A trailing slash (directory listing) is the one empty segment allowed.
    if (segment === '' && i !== segments.length - 1) throw invalid('empty path segment');
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw invalid('malformed percent-encoding');
    }
    if (decoded === '..' || decoded === '.') throw invalid('path traversal');
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
    if (/[\u0000-\u001f\u007f\\]/.test(decoded)) throw invalid('control character or backslash');
    if (decoded.includes('/') && decoded.split('/').some((part) => part === '..' || part === '.' || part === '')) {
      throw invalid('path traversal in encoded segment');
    }
    if (i === 0 && HOST_LIKE_AT.test(decoded)) throw invalid('host-like segment');
  }
  return path;
}

/** Checks that a URL built from a repository path still points at an allowed origin. */
export function assertSameOrigin(url: string, allowedOrigins: readonly string[]): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('does not form a valid upstream URL');
  }
  if (parsed.username || parsed.password || !allowedOrigins.includes(parsed.origin)) {
    throw invalid('would leave the upstream host');
  }
}

function invalid(why: string): AapiError {
  return new AapiError('AAPI_ERR_PATH_INVALID', why);
}
