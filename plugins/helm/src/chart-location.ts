/**
 * Where a chart listed in index.yaml is fetched from, and the repository path the proxy hands
 * out for it. The mapping is reversible without any stored state, so a client can ask for a chart
 * on any replica and after a restart:
 *
 * - under `base_url`              → the same relative path (`charts/x-1.0.0.tgz`)
 * - under `files_url` (optional)  → `-/files/<path below files_url>`
 * - elsewhere on base_url's host  → `-/origin/<path from the host's root>`
 * - any other host                → not proxied (the URL is left as the index gives it)
 *
 * The paths stay readable, so an operator's `patterns` and `blocklist` still see chart names.
 */

/** Prefix of charts on base_url's host but outside base_url's path. */
export const ORIGIN_PREFIX = '-/origin/';
/** Prefix of charts under the repository's `files_url`. */
export const FILES_PREFIX = '-/files/';

/** A chart archive or its provenance file. */
export const CHART_FILE = /\.tgz(\.prov)?$/;

/** The hosts a repository proxies charts from, as normalised URLs without a trailing slash. */
export interface ChartHosts {
  base: string;
  files?: string;
}

/** The chart hosts of a repository from its `base_url` and config block (`files_url`). */
export function chartHosts(baseUrl: string, options: Readonly<Record<string, unknown>>): ChartHosts {
  const files = filesUrlOf(options);
  return files ? { base: normalise(baseUrl), files: normalise(files) } : { base: normalise(baseUrl) };
}

/** The repository's `files_url` when it is set to a non-empty string. */
export function filesUrlOf(options: Readonly<Record<string, unknown>>): string | undefined {
  const files = options.files_url;
  return typeof files === 'string' && files.length > 0 ? files : undefined;
}

/**
 * The repository path for a chart URL as index.yaml lists it (absolute, or relative to the
 * repository), or undefined when the proxy cannot fetch it: another host, a query string,
 * credentials in the URL, or not http(s).
 */
export function proxyPathOf(url: string, hosts: ChartHosts): string | undefined {
  let resolved: URL;
  try {
    resolved = new URL(url, `${hosts.base}/`);
  } catch {
    return undefined;
  }
  if ((resolved.protocol !== 'http:' && resolved.protocol !== 'https:') || resolved.username || resolved.password || resolved.search) {
    return undefined;
  }
  const target = resolved.origin + resolved.pathname;
  const inBase = below(target, hosts.base);
  // `-/…` below base_url would collide with the prefixes above; such a chart takes the origin form.
  if (inBase && !inBase.startsWith('-/')) return inBase;
  const inFiles = hosts.files === undefined ? undefined : below(target, hosts.files);
  if (inFiles) return FILES_PREFIX + inFiles;
  if (resolved.origin === new URL(hosts.base).origin && resolved.pathname.length > 1) return ORIGIN_PREFIX + resolved.pathname.slice(1);
  return undefined;
}

/** The upstream URL of a repository path: the reverse of proxyPathOf. */
export function upstreamUrlOf(path: string, hosts: ChartHosts): string {
  if (path.startsWith(ORIGIN_PREFIX)) return `${new URL(hosts.base).origin}/${path.slice(ORIGIN_PREFIX.length)}`;
  if (path.startsWith(FILES_PREFIX)) {
    if (hosts.files === undefined) throw new Error(`${path}: the repository has no files_url`);
    return `${hosts.files}/${path.slice(FILES_PREFIX.length)}`;
  }
  return `${hosts.base}/${path}`;
}

function below(target: string, prefix: string): string | undefined {
  return target.startsWith(`${prefix}/`) && target.length > prefix.length + 1 ? target.slice(prefix.length + 1) : undefined;
}

/** Lower-case scheme and host, no default port, no trailing slash, as URL#href writes them. */
function normalise(url: string): string {
  const parsed = new URL(url);
  return (parsed.origin + parsed.pathname).replace(/\/+$/, '');
}
