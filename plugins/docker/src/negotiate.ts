import { parseAccept, qualityOf } from '@artifactapi/plugin-sdk';
import { RegistryError } from './errors.js';
import { bareMediaType } from './media-types.js';

/**
 * Content negotiation for manifests. A manifest is digest-bound, so it has exactly one
 * representation: the stored bytes with their stored media type. The client's Accept only
 * decides whether it gets them or a refusal; it never selects or converts a body, and so it is
 * never part of a cache key (git-pkgs/proxy #249 keyed on the raw header and split the cache).
 */

/**
 * Whether a client with this Accept takes a manifest of `mediaType`. No Accept, a wildcard
 * (`*\/*`, `application/*`; containerd ends its list with `*\/*`) or the exact type with q > 0 is
 * a yes; an explicit `q=0` on the type is a no even under a wildcard (RFC 9110 §12.5.1: the most
 * specific range wins).
 */
export function acceptsManifest(accept: string | readonly string[] | undefined, mediaType: string): boolean {
  // Node joins repeated headers with ', '; a list given as an array means the same.
  const ranges = parseAccept(typeof accept === 'string' || accept === undefined ? accept : accept.join(', '));
  return ranges.length === 0 || qualityOf(ranges, bareMediaType(mediaType)) > 0;
}

/**
 * The stored manifest's type when the client takes it, else MANIFEST_UNKNOWN (404), which is
 * what distribution answers a client that does not accept OCI indexes: the client then knows the
 * reference exists in no form it can read, and docker prints the detail.
 */
export function negotiateManifest(accept: string | readonly string[] | undefined, mediaType: string): string {
  if (acceptsManifest(accept, mediaType)) return mediaType;
  throw new RegistryError('MANIFEST_UNKNOWN', {
    message: `manifest is ${mediaType}, which the Accept header does not list`,
    detail: { mediaType },
  });
}
