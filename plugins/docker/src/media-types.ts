/** Manifest and blob media types of the OCI image spec and Docker's schema 2. */

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
/** Schema 1 is deprecated: passed through as it came, never produced. */
export const DOCKER_SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';
export const DOCKER_SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
/** The empty descriptor's type: the config of an artifact that has none (image spec 1.1). */
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

/** Types whose body lists child manifests. */
export const INDEX_TYPES: ReadonlySet<string> = new Set([OCI_INDEX, DOCKER_LIST]);
/** Types whose body lists a config and layers. */
export const IMAGE_TYPES: ReadonlySet<string> = new Set([OCI_MANIFEST, DOCKER_MANIFEST]);
export const MANIFEST_TYPES: ReadonlySet<string> = new Set([...INDEX_TYPES, ...IMAGE_TYPES, DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED]);

/**
 * What the proxy sends upstream for a manifest, whatever the client asked: every current type,
 * so the stored bytes (and hence the digest) do not depend on which client came first. A client
 * that cannot take the stored type is refused by {@link acceptsManifest}, never served another body.
 */
export const UPSTREAM_MANIFEST_ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST].join(', ');

/** A media type without parameters, lower-cased (`Content-Type` is compared this way). */
export function bareMediaType(value: string): string {
  return (value.split(';')[0] ?? '').trim().toLowerCase();
}
