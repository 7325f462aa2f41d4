import { canonicalFilePath } from './names.js';

/** Where a repository's index and files live upstream, as parsed URLs without a trailing slash. */
export interface UpstreamHosts {
  index: URL;
  files: URL;
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The files host of a repository: `files_url` when set, else the index host. */
export function filesBase(baseUrl: string, options: Readonly<Record<string, unknown>>): string {
  const files = options.files_url;
  return stripSlash(typeof files === 'string' && files !== '' ? files : baseUrl);
}

/** Parses the repository's hosts once per document. */
export function upstreamHosts(upstreamBase: string, options: Readonly<Record<string, unknown>>): UpstreamHosts {
  return { index: new URL(stripSlash(upstreamBase)), files: new URL(filesBase(upstreamBase, options)) };
}

function under(url: URL, base: URL, folder: string): string | undefined {
  if (url.origin !== base.origin || url.search !== '') return undefined;
  const prefix = `${base.pathname.replace(/\/+$/, '')}/${folder}/`;
  return url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : undefined;
}

/**
 * The repository path at which the proxy serves an upstream URL (`packages/…` for files on the
 * files host, `integrity/…` for PEP 740 provenance on the index host), or undefined when the URL
 * points elsewhere and is left as it is. The URL's fragment is ignored.
 */
export function proxiedPath(url: URL, hosts: UpstreamHosts): string | undefined {
  const file = under(url, hosts.files, 'packages');
  if (file) return canonicalFilePath(`packages/${file}`);
  const provenance = under(url, hosts.index, 'integrity');
  if (provenance) return canonicalFilePath(`integrity/${provenance}`);
  return undefined;
}

/** Files are fetched over http(s); a `javascript:`, `data:` or `file:` link on a page the proxy serves would run or read something on the client. */
const FETCHABLE = new Set(['http:', 'https:']);

/**
 * Resolves a possibly relative link against the document URL; undefined when it is not a URL, or
 * not an http(s) one: such links are left out of the pages and documents the proxy serves.
 */
export function resolveLink(href: string, documentUrl: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(href, documentUrl);
  } catch {
    return undefined;
  }
  return FETCHABLE.has(url.protocol) ? url : undefined;
}
