/**
 * Headers the proxy's own `/v2` surface sends. Clients check the API version header on `/v2/`
 * to know they talk to a v2 registry; the challenge tells them where to get a token.
 */

export const API_VERSION_HEADER = 'docker-distribution-api-version';
export const API_VERSION = 'registry/2.0';

/** `Bearer realm="…",service="…"[,scope="…"]`, quoting as RFC 9110 requires. */
export function bearerChallenge(realm: string, service: string, scope?: string): string {
  const params = [`realm=${quote(realm)}`, `service=${quote(service)}`];
  if (scope !== undefined) params.push(`scope=${quote(scope)}`);
  return `Bearer ${params.join(',')}`;
}

/** `Basic realm="…"`. */
export function basicChallenge(realm: string): string {
  return `Basic realm=${quote(realm)}`;
}

/**
 * `Docker-Content-Digest`, `Content-Type`, `Content-Length` and `ETag` of a manifest or blob
 * response, GET and HEAD alike: containerd resolves tags by HEAD and needs the digest there.
 */
export function contentHeaders(digest: string, mediaType: string, size: number): Record<string, string> {
  return { 'docker-content-digest': digest, 'content-type': mediaType, 'content-length': String(size), etag: `"${digest}"` };
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
