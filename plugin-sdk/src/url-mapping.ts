/** One upstream location and the repository path prefix its files get on the proxy. */
export interface UrlMount {
  /** Upstream base URL; a trailing slash is ignored. */
  upstream: string;
  /** Repository path prefix, `''` or ending in `/` (e.g. `-/files/`). */
  prefix: string;
}

/**
 * A reversible mapping between upstream URLs and proxy paths, so index documents can point
 * clients back at the proxy and the proxy can fetch what they ask for without stored state (any
 * replica, after any restart). Mounts are tried in order; the first that contains the URL wins.
 */
export class UrlMapping {
  private readonly mounts: { base: string; prefix: string }[];

  constructor(mounts: readonly UrlMount[]) {
    this.mounts = mounts.map((m) => ({ base: normaliseBase(m.upstream), prefix: m.prefix }));
  }

  /**
   * The proxy path of an upstream URL (absolute, or relative to the first mount), or undefined
   * when no mount contains it, or it carries credentials or a query, or is not http(s).
   */
  toPath(url: string): string | undefined {
    let resolved: URL;
    try {
      resolved = new URL(url, `${this.mounts[0]?.base ?? 'invalid:'}/`);
    } catch {
      return undefined;
    }
    if ((resolved.protocol !== 'http:' && resolved.protocol !== 'https:') || resolved.username || resolved.password || resolved.search) return undefined;
    const target = resolved.origin + resolved.pathname;
    for (const { base, prefix } of this.mounts) {
      if (target.startsWith(`${base}/`) && target.length > base.length + 1) return prefix + target.slice(base.length + 1);
    }
    return undefined;
  }

  /** The upstream URL of a proxy path, or undefined when no mount's prefix matches it. */
  toUrl(path: string): string | undefined {
    // Longest prefix first, so '' (the catch-all mount) never shadows '-/files/'.
    let best: { base: string; prefix: string } | undefined;
    for (const mount of this.mounts) {
      if (path.startsWith(mount.prefix) && (!best || mount.prefix.length > best.prefix.length)) best = mount;
    }
    return best && `${best.base}/${path.slice(best.prefix.length)}`;
  }
}

/** An upstream base as the mapping compares it: lower-case scheme and host, default port dropped, no trailing slash. */
export function normaliseBase(url: string): string {
  const u = new URL(url);
  return (u.origin + u.pathname).replace(/\/+$/, '');
}
