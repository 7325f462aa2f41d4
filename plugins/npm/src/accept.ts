import { parseAccept, qualityOf } from '@artifactapi/plugin-sdk';

/** The abbreviated ("corgi") packument's media type. */
export const CORGI_TYPE = 'application/vnd.npm.install-v1+json';
export const JSON_TYPE = 'application/json';

/**
 * `abbreviated` when the client names the corgi type and ranks it at least as high as plain
 * JSON (npm's own `…install-v1+json; q=1.0, application/json; q=0.8, *\/*`); `full` otherwise,
 * wildcards included, since the full document is what a browser or curl expects.
 */
export function variantFor(accept: string | undefined): 'abbreviated' | 'full' {
  if (!accept) return 'full';
  const ranges = parseAccept(accept);
  const corgi = qualityOf(ranges, CORGI_TYPE, { wildcards: false });
  if (corgi <= 0) return 'full';
  return corgi >= qualityOf(ranges, JSON_TYPE) ? 'abbreviated' : 'full';
}
