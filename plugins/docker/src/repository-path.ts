import type { Classification, HookContext } from '@artifactapi/plugin-sdk';
import { UPSTREAM_MANIFEST_ACCEPT } from './media-types.js';
import { isDigest, parseDigest } from './reference.js';
import { repositoryScope } from './token-flow.js';

/**
 * Repository paths of a docker remote, as the `/v2` routes hand them to the engine: the image
 * name (canonical: `library/` added for Docker Hub) followed by the endpoint, e.g.
 * `library/nginx/manifests/1.27`, `library/nginx/blobs/sha256:…`, `library/nginx/tags/list`.
 * The upstream URL is `{base_url}/v2/{path}`.
 */

const ENDPOINT = /^(.+)\/(manifests|blobs|referrers)\/([^/]+)$|^(.+)\/tags\/list$/;

export type RepositoryPath =
  | { kind: 'manifest' | 'blob' | 'referrers'; image: string; reference: string }
  | { kind: 'tags'; image: string };

/** The image and endpoint of a repository path; undefined for anything else. */
export function splitRepositoryPath(path: string): RepositoryPath | undefined {
  const m = ENDPOINT.exec(path);
  if (!m) return undefined;
  if (m[4] !== undefined) return { kind: 'tags', image: m[4] };
  const kind = m[2] === 'manifests' ? 'manifest' : m[2] === 'blobs' ? 'blob' : 'referrers';
  return { kind, image: m[1]!, reference: m[3]! };
}

/** `*` matches any run of characters; everything else is literal. */
function globMatches(pattern: string, value: string): boolean {
  // Greedy with one backtrack point, not a `.*` regex: a long hostile tag against `*a*a*b` would
  // backtrack for minutes. At most pattern × value steps.
  let p = 0;
  let v = 0;
  let star = -1;
  let mark = 0;
  while (v < value.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = v;
    } else if (p < pattern.length && pattern[p] === value[v]) {
      p++;
      v++;
    } else if (star >= 0) {
      p = star + 1;
      v = ++mark;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** The repository's `ban_tags`: tags refused whatever their digest (globs with `*`). */
export function bannedTag(tag: string, options: Readonly<Record<string, unknown>>): boolean {
  const banned = options.ban_tags;
  return Array.isArray(banned) && banned.some((p) => typeof p === 'string' && globMatches(p, tag));
}

/**
 * Tags are mutable and revalidated with a HEAD (Docker-Content-Digest), so an unchanged tag costs
 * no GET; digests are immutable and checked by hashing; blobs are keyed by digest alone, so every
 * image sharing a layer shares one entry and one upstream fetch.
 */
export function classifyPath(path: string, ctx: HookContext): Classification {
  const route = splitRepositoryPath(path);
  if (!route) return { cache: 'deny', reason: 'not a registry endpoint' };
  if (route.kind === 'tags') return { cache: 'mutable', contentType: 'application/json' };
  if (route.kind === 'referrers') return { cache: 'mutable', contentType: 'application/vnd.oci.image.index.v1+json' };
  if (!isDigest(route.reference)) {
    if (route.kind === 'blob') return { cache: 'deny', reason: 'a blob is named by its digest' };
    if (bannedTag(route.reference, ctx.repo.options)) return { cache: 'deny', reason: `tag ${route.reference} is banned (ban_tags)` };
    return { cache: 'mutable', revalidate: { method: 'HEAD', digestHeader: 'docker-content-digest' } };
  }
  const digest = parseDigest(route.reference);
  const expected = digest.algorithm === 'sha256' || digest.algorithm === 'sha512' ? { expectedDigest: { algorithm: digest.algorithm, hex: digest.hex } } : {};
  if (route.kind === 'blob') return { cache: 'immutable', ...expected, cacheKey: `_blobs/${route.reference}`, sharedByDigest: true };
  // A manifest by digest may reuse the bytes its tag already stored (quarantine's first-seen clock).
  return { cache: 'immutable', ...expected, sharedByDigest: true };
}

/** `{base_url}/v2/{path}`. */
export function upstreamUrlOf(path: string, ctx: HookContext): string {
  return `${ctx.repo.baseUrl}/v2/${path}`;
}

/** Every current manifest type, so the stored bytes do not depend on which client came first. */
export function upstreamHeadersOf(path: string): Record<string, string> {
  const route = splitRepositoryPath(path);
  if (route?.kind === 'manifest') return { accept: UPSTREAM_MANIFEST_ACCEPT };
  if (route?.kind === 'referrers') return { accept: 'application/vnd.oci.image.index.v1+json' };
  return {};
}

/** `repository:{image}:pull`: every path of one image shares a token. */
export function authScopeOf(path: string): string | undefined {
  const route = splitRepositoryPath(path);
  return route && repositoryScope(route.image);
}
