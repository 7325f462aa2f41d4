import { urlOption } from '@artifactapi/plugin-sdk';

/**
 * Where provider files (archives, SHA256SUMS, signatures) are fetched from, and the repository
 * path the proxy hands out for each: `-/dl/{host[:port]}/{path}`. The download JSON names them
 * by absolute URL, usually on another host than the registry (releases.hashicorp.com, GitHub
 * releases), so the host is part of the path; the mapping needs no stored state, so any replica
 * can serve any file after any restart. Only the registry's own origin and the repository's
 * `download_urls` are allowed: a download JSON cannot send the proxy anywhere else.
 */

/** Prefix of proxied provider files. */
export const DOWNLOAD_PREFIX = '-/dl/';

/** The origins a repository may download provider files from: base_url's and each of `download_urls`. */
export function downloadOrigins(baseUrl: string, options: Readonly<Record<string, unknown>>): string[] {
  const origins = baseUrl ? [new URL(baseUrl).origin] : [];
  for (const url of downloadUrlsOf(options)) origins.push(new URL(url).origin);
  return origins;
}

/** The repository's `download_urls` (non-empty strings only). */
export function downloadUrlsOf(options: Readonly<Record<string, unknown>>): string[] {
  const list = options.download_urls;
  if (!Array.isArray(list)) return [];
  return list.filter((u): u is string => typeof u === 'string' && urlOption({ u }, 'u') !== undefined);
}

/**
 * The repository path of a file URL as a download JSON gives it (absolute, or relative to
 * `documentUrl`), or undefined when the proxy may not fetch it: another host, a query,
 * credentials, or not http(s).
 */
export function downloadPathOf(url: string, documentUrl: string, origins: readonly string[]): string | undefined {
  let resolved: URL;
  try {
    resolved = new URL(url, documentUrl);
  } catch {
    return undefined;
  }
  if ((resolved.protocol !== 'http:' && resolved.protocol !== 'https:') || resolved.username || resolved.password || resolved.search) return undefined;
  if (!origins.includes(resolved.origin) || resolved.pathname.length < 2 || resolved.pathname.endsWith('/')) return undefined;
  return `${DOWNLOAD_PREFIX}${resolved.host}${resolved.pathname}`;
}

/** The upstream URL of a `-/dl/…` path, or undefined when its host is not an allowed origin. */
export function downloadUrlOf(path: string, origins: readonly string[]): string | undefined {
  if (!path.startsWith(DOWNLOAD_PREFIX)) return undefined;
  const rest = path.slice(DOWNLOAD_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  const host = rest.slice(0, slash);
  const origin = origins.find((o) => new URL(o).host === host);
  return origin && `${origin}${rest.slice(slash)}`;
}

/** The directory part and file name of a path. */
export function splitFile(path: string): { dir: string; file: string } {
  const slash = path.lastIndexOf('/');
  return { dir: path.slice(0, slash + 1), file: path.slice(slash + 1) };
}
