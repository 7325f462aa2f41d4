import type { Classification, HookContext } from '@artifactapi/plugin-sdk';

/**
 * The repository paths of a Forge v3 API and the index kinds they carry. The core drops a
 * request's query string, but a Forge list (`/v3/releases?module=x&offset=20`) is a different
 * document for every query, so the listing routes (listing-routes.ts) fold the query into the path
 * after a `;`: `v3/releases;module=x&offset=20`. That path is the cache key, and upstreamUrl turns
 * it back into the query.
 */

/** A list page: `/v3/releases?module=` (puppet module install) or `/v3/modules?query=` (search). */
export const FORGE_LIST = 'forge-list';
/** One release, `/v3/releases/{owner}-{name}-{version}`: what a tarball is verified against. */
export const FORGE_RELEASE = 'forge-release';
/** One module, `/v3/modules/{owner}-{name}` (r10k reads `current_release`). */
export const FORGE_MODULE = 'forge-module';

/** The list endpoints whose query the listing routes keep. */
export const LIST_ENDPOINTS = ['v3/releases', 'v3/modules'] as const;
export type ListEndpoint = (typeof LIST_ENDPOINTS)[number];

/** `owner-name-version`: owners are alphanumeric, names start with a letter, versions are SemVer (may hold `-`). */
const RELEASE_SLUG = '[A-Za-z0-9]+-[a-z][a-z0-9_]*-[0-9]+\\.[0-9]+\\.[0-9]+[0-9A-Za-z.+-]*';
const FILE = new RegExp(`^v3/files/(${RELEASE_SLUG})\\.tar\\.gz$`);
const RELEASE = new RegExp(`^v3/releases/${RELEASE_SLUG}$`);
const MODULE = /^v3\/modules\/[A-Za-z0-9]+-[a-z][a-z0-9_]*$/;
const LIST = /^(v3\/(?:releases|modules));(.*)$/;

const TARBALL: Classification = Object.freeze({ cache: 'immutable', contentType: 'application/gzip' });
const LIST_PAGE: Classification = Object.freeze({ cache: 'mutable', index: FORGE_LIST, contentType: 'application/json' });
const RELEASE_DOC: Classification = Object.freeze({ cache: 'mutable', index: FORGE_RELEASE, contentType: 'application/json' });
const MODULE_DOC: Classification = Object.freeze({ cache: 'mutable', index: FORGE_MODULE, contentType: 'application/json' });
const OTHER: Classification = Object.freeze({ cache: 'mutable' });
const UNFOLDED: Classification = Object.freeze({
  cache: 'deny',
  reason: 'a Forge list is requested through the listing route, which keeps its query',
});

/**
 * Tarballs are immutable (the Forge never replaces a published release); releases, modules and
 * list pages are mutable JSON documents. A bare `v3/releases` never reaches the cache: a stored
 * entry there would answer every query alike.
 */
export function classifyForgePath(path: string): Classification {
  if (FILE.test(path)) return TARBALL;
  if (LIST.test(path)) return LIST_PAGE;
  if (RELEASE.test(path)) return RELEASE_DOC;
  if (MODULE.test(path)) return MODULE_DOC;
  if (path === 'v3/releases' || path === 'v3/modules') return UNFOLDED;
  return OTHER;
}

/** A tarball `v3/files/{slug}.tar.gz` is listed, with its digests and date, by its release `v3/releases/{slug}`. */
export function forgeIndexOf(path: string): { path: string; index: string } | undefined {
  const match = FILE.exec(path);
  return match ? { path: `v3/releases/${match[1]}`, index: FORGE_RELEASE } : undefined;
}

/**
 * The repository path of a list request: the endpoint, `;`, and the query with its parameters
 * sorted, so one list has one cache entry however a client orders them.
 */
export function foldListQuery(endpoint: ListEndpoint, rawQuery: string): string {
  const params = [...new URLSearchParams(rawQuery)];
  params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${endpoint};${new URLSearchParams(params).toString()}`;
}

/** One spelling of a folded list path (parameters sorted), however it reached the engine. */
export function canonicalForgePath(path: string): string {
  const list = LIST.exec(path);
  return list ? foldListQuery(list[1] as ListEndpoint, list[2] ?? '') : path;
}

/**
 * The upstream URL of a path: a folded list gets its query back. `created_at` is taken out of an
 * `exclude_fields` the client sent (puppet excludes it), because quarantine filters lists by it.
 */
export function forgeUpstreamUrl(path: string, ctx: HookContext): string {
  const list = LIST.exec(path);
  if (!list) return `${ctx.repo.baseUrl}/${path}`;
  const params = new URLSearchParams(list[2]);
  const excluded = params.get('exclude_fields');
  if (excluded !== null) {
    const kept = excluded.split(',').filter((field) => field.trim() !== 'created_at');
    if (kept.length > 0) params.set('exclude_fields', kept.join(','));
    else params.delete('exclude_fields');
  }
  const query = params.toString();
  return `${ctx.repo.baseUrl}/${list[1]}${query ? `?${query}` : ''}`;
}
