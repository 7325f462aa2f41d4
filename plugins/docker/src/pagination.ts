import { RegistryError } from './errors.js';

/**
 * `tags/list` and `_catalog` pagination (distribution spec "Listing tags"): entries in lexical
 * order, at most `n` of them, starting after `last`, and a `Link: <…>; rel="next"` header when
 * more remain. Lexical means by code unit, as Go's sort.Strings: `B` before `a`, `10` before `9`.
 */

export interface PageRequest {
  /** Undefined when the client sent no `n`: every remaining entry. */
  n?: number;
  last?: string;
}

export interface Page {
  entries: string[];
  /** The `Link` header value, when entries remain after this page. */
  link?: string;
}

/** A page size larger than this is served as this (distribution caps `_catalog` at 1000 too). */
export const MAX_PAGE_SIZE = 1000;

/** `n` and `last` from a query; PAGINATION_NUMBER_INVALID (400) for an `n` that is not a non-negative integer. */
export function parsePageRequest(query: URLSearchParams | string): PageRequest {
  const params = typeof query === 'string' ? new URLSearchParams(query) : query;
  const request: PageRequest = {};
  const n = params.get('n');
  if (n !== null && n !== '') {
    if (!/^[0-9]+$/.test(n)) throw new RegistryError('PAGINATION_NUMBER_INVALID', { detail: { n } });
    request.n = Math.min(Number(n), MAX_PAGE_SIZE);
  }
  const last = params.get('last');
  if (last !== null && last !== '') request.last = last;
  return request;
}

/** Code-unit order, the order Go's sort.Strings (and so distribution) uses. */
export function lexicalCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One page of `all` (any order, duplicates allowed: a virtual repository merges its members'
 * lists). `path` is the request path the `Link` header repeats, with `n` and the new `last`.
 */
export function paginate(all: Iterable<string>, request: PageRequest, path: string): Page {
  const sorted = [...new Set(all)].sort(lexicalCompare);
  const after = request.last;
  const start = after === undefined ? 0 : sorted.findIndex((entry) => lexicalCompare(entry, after) > 0);
  const remaining = start < 0 ? [] : sorted.slice(start);
  if (request.n === undefined) return { entries: remaining };
  const entries = remaining.slice(0, request.n);
  const lastEntry = entries[entries.length - 1];
  if (remaining.length <= entries.length || lastEntry === undefined) return { entries };
  const next = new URLSearchParams({ n: String(request.n), last: lastEntry });
  return { entries, link: `<${path}?${next.toString()}>; rel="next"` };
}

/** The `tags/list` body. */
export function tagsListBody(image: string, page: Page): { name: string; tags: string[] } {
  return { name: image, tags: page.entries };
}

/** The `_catalog` body. */
export function catalogBody(page: Page): { repositories: string[] } {
  return { repositories: page.entries };
}
