/**
 * Types that say nothing about the bytes: what object stores and plain file servers send for any
 * file they have no mapping for (S3 and GCS default to octet-stream, raw file hosts to text/plain).
 */
const GENERIC_TYPES = new Set(['application/octet-stream', 'binary/octet-stream', 'application/unknown', 'text/plain']);

/**
 * The Content-Type to store and serve for a download: the upstream's, unless it is missing or
 * generic and the plugin's classification names one (a Cargo index file served by an object
 * store as application/octet-stream is still JSON lines). Otherwise application/octet-stream.
 */
export function servedContentType(upstream: string | undefined, classified: string | undefined): string {
  const upstreamType = upstream?.trim() ?? '';
  if (classified && (upstreamType === '' || isGeneric(upstreamType))) return classified;
  return upstreamType === '' ? 'application/octet-stream' : upstreamType;
}

function isGeneric(contentType: string): boolean {
  return GENERIC_TYPES.has(contentType.split(';', 1)[0]!.trim().toLowerCase());
}
