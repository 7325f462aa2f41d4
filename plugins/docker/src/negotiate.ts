import { RegistryError } from './errors.js';
import { bareMediaType } from './media-types.js';

/**
 * Content negotiation for manifests. A manifest is digest-bound, so it has exactly one
 * representation: the stored bytes with their stored media type. The client's Accept only
 * decides whether it gets them or a refusal; it never selects or converts a body, and so it is
 * never part of a cache key (git-pkgs/proxy #249 keyed on the raw header and split the cache).
 */

interface AcceptRange {
  type: string;
  q: number;
}

/** The media ranges of an Accept header (several headers may be given, as Node joins them). */
export function parseAccept(header: string | readonly string[] | undefined): AcceptRange[] {
  if (header === undefined) return [];
  const ranges: AcceptRange[] = [];
  for (const line of typeof header === 'string' ? [header] : header) {
    for (const part of line.split(',')) {
      const [media = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      if (!media.includes('/')) continue;
      let q = 1;
      for (const param of params) {
        if (!param.startsWith('q=')) continue;
        const value = Number(param.slice(2));
        q = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
      }
      ranges.push({ type: media, q });
    }
  }
  return ranges;
}

/**
 * Whether a client with this Accept takes a manifest of `mediaType`. No Accept, a wildcard
 * (`*\/*`, `application/*`; containerd ends its list with `*\/*`) or the exact type with q > 0 is
 * a yes; an explicit `q=0` on the type is a no even under a wildcard (RFC 9110 §12.5.1: the most
 * specific range wins).
 */
export function acceptsManifest(accept: string | readonly string[] | undefined, mediaType: string): boolean {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return true;
  const type = bareMediaType(mediaType);
  const major = `${type.split('/')[0]}/*`;
  const exact = ranges.find((r) => r.type === type);
  if (exact) return exact.q > 0;
  const partial = ranges.find((r) => r.type === major);
  if (partial) return partial.q > 0;
  const any = ranges.find((r) => r.type === '*/*');
  return any !== undefined && any.q > 0;
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
