import { OCI_EMPTY, OCI_INDEX } from './media-types.js';
import type { Descriptor, ParsedManifest } from './manifest.js';

/**
 * The OCI 1.1 referrers API: `GET /v2/<name>/referrers/<digest>` answers an image index whose
 * `manifests` are descriptors of every manifest whose `subject` is that digest, each with its
 * `artifactType` and annotations, optionally filtered by `?artifactType=`.
 */

export interface ReferrersIndex {
  schemaVersion: 2;
  mediaType: typeof OCI_INDEX;
  manifests: Descriptor[];
}

/**
 * The descriptor listing a referrer: its own digest, size and media type, its `artifactType`
 * (the manifest's field, else its config's media type unless that is the empty config), and its
 * annotations.
 */
export function referrerDescriptor(manifest: ParsedManifest, digest: string, size: number): Descriptor {
  const d: Descriptor = { mediaType: manifest.mediaType, digest, size };
  const artifactType = manifest.artifactType ?? (manifest.config && manifest.config.mediaType !== OCI_EMPTY ? manifest.config.mediaType : undefined);
  if (artifactType !== undefined) d.artifactType = artifactType;
  if (manifest.annotations !== undefined) d.annotations = manifest.annotations;
  return d;
}

/** The `artifactType` filter of a referrers request; undefined when none was asked. */
export function artifactTypeFilter(query: URLSearchParams | string): string | undefined {
  const params = typeof query === 'string' ? new URLSearchParams(query) : query;
  const value = params.get('artifactType');
  return value === null || value === '' ? undefined : value;
}

export interface ReferrersResponse {
  body: ReferrersIndex;
  /** `OCI-Filters-Applied: artifactType` when a filter was applied, so clients need not filter again. */
  headers: Record<string, string>;
}

/** The response for `referrers`, in digest order so that replicas answer the same bytes. */
export function referrersResponse(referrers: readonly Descriptor[], artifactType?: string): ReferrersResponse {
  const listed = artifactType === undefined ? [...referrers] : referrers.filter((d) => d.artifactType === artifactType);
  listed.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  return {
    body: { schemaVersion: 2, mediaType: OCI_INDEX, manifests: listed },
    headers: artifactType === undefined ? { 'content-type': OCI_INDEX } : { 'content-type': OCI_INDEX, 'oci-filters-applied': 'artifactType' },
  };
}
