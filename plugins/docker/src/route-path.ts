import { RegistryError } from './errors.js';
import { checkImageName, parseDigest, parseReference } from './reference.js';
import type { Reference } from './reference.js';

/**
 * Splits a path under `/v2` into the product's repository, the image name and the endpoint.
 * Image names have any number of components and a component may itself be `manifests` or
 * `blobs`, so the endpoint is matched from the end of the path, as distribution's router does.
 */

/** The product's repository names (config schema `repoName`). */
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export type V2Route =
  | { kind: 'ping' }
  /** `/v2/_catalog` (every repository) or `/v2/{repo}/_catalog`. */
  | { kind: 'catalog'; repository?: string }
  | { kind: 'manifest'; repository: string; image: string; reference: Reference }
  | { kind: 'blob'; repository: string; image: string; digest: string }
  /** `POST …/blobs/uploads/` (with or without the trailing slash). */
  | { kind: 'upload-start'; repository: string; image: string }
  /** `GET · PATCH · PUT · DELETE …/blobs/uploads/{session}`. */
  | { kind: 'upload'; repository: string; image: string; session: string }
  | { kind: 'tags'; repository: string; image: string }
  | { kind: 'referrers'; repository: string; image: string; digest: string };

/** Endpoint patterns on what follows `{repo}/`, most specific first; group 1 is the image name. */
const ENDPOINTS: ReadonlyArray<readonly [RegExp, (image: string, arg: string) => DistributiveOmit<V2Route, 'repository'>]> = [
  [/^(.+)\/blobs\/uploads\/?$/, (image) => ({ kind: 'upload-start', image })],
  [/^(.+)\/blobs\/uploads\/([^/]+)$/, (image, session) => ({ kind: 'upload', image, session: checkSession(session) })],
  [/^(.+)\/blobs\/([^/]+)$/, (image, digest) => ({ kind: 'blob', image, digest: checked(digest) })],
  [/^(.+)\/manifests\/([^/]+)$/, (image, ref) => ({ kind: 'manifest', image, reference: parseReference(ref) })],
  [/^(.+)\/tags\/list$/, (image) => ({ kind: 'tags', image })],
  [/^(.+)\/referrers\/([^/]+)$/, (image, digest) => ({ kind: 'referrers', image, digest: checked(digest) })],
];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The route a `/v2` path names (the URL's pathname, still percent-encoded, query removed), or
 * undefined when it names no registry endpoint (a plain 404). Throws a {@link RegistryError}
 * (NAME_INVALID, TAG_INVALID, DIGEST_INVALID) when it names an endpoint with bad parts.
 */
export function parseV2Path(pathname: string): V2Route | undefined {
  if (pathname === '/v2' || pathname === '/v2/') return { kind: 'ping' };
  if (!pathname.startsWith('/v2/')) return undefined;
  const rest = pathname.slice('/v2/'.length);
  if (rest === '_catalog') return { kind: 'catalog' };
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const repository = rest.slice(0, slash);
  const below = rest.slice(slash + 1);
  if (!REPOSITORY.test(repository)) throw new RegistryError('NAME_INVALID', { message: 'invalid repository name', detail: { repository } });
  if (below === '_catalog') return { kind: 'catalog', repository };
  for (const [pattern, make] of ENDPOINTS) {
    const m = pattern.exec(below);
    if (!m) continue;
    const [, image = '', arg = ''] = m;
    // Percent-encoding is not part of the grammar; a name that needs it is invalid.
    const route = make(checkImageName(image), arg);
    return { ...route, repository } as V2Route;
  }
  return undefined;
}

function checked(digest: string): string {
  parseDigest(digest);
  return digest;
}

/** Upload session ids are the product's own (see upload-session.ts); anything else is unknown, not invalid. */
function checkSession(session: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(session)) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', { detail: { session } });
  return session;
}
