/** Where the outbound proxy settings come from: the config keys, else the usual env variables. */
export interface ProxySettings {
  proxy?: string;
  no_proxy?: string;
}

/**
 * Decides, per upstream URL, which outbound proxy to use, if any. `proxy` from the config wins
 * and serves both schemes; without it `https_proxy`/`HTTPS_PROXY` serve https URLs and
 * `http_proxy`/`HTTP_PROXY` serve http URLs (lower case first, as curl does, because the upper
 * case `HTTP_PROXY` can be injected through a CGI request header).
 */
export class ProxyRules {
  private readonly configured?: string;
  private readonly httpsProxy?: string;
  private readonly httpProxy?: string;
  private readonly bypass: NoProxyEntry[];

  constructor(settings: ProxySettings, env: NodeJS.ProcessEnv) {
    this.configured = nonEmpty(settings.proxy);
    this.httpsProxy = nonEmpty(env.https_proxy) ?? nonEmpty(env.HTTPS_PROXY);
    this.httpProxy = nonEmpty(env.http_proxy) ?? nonEmpty(env.HTTP_PROXY);
    const list = nonEmpty(settings.no_proxy) ?? nonEmpty(env.no_proxy) ?? nonEmpty(env.NO_PROXY) ?? '';
    this.bypass = parseNoProxy(list);
  }

  /** The proxy URL to send a request for `url` through, or undefined to connect directly. */
  proxyFor(url: URL): string | undefined {
    const proxy = this.configured ?? (url.protocol === 'https:' ? this.httpsProxy : this.httpProxy);
    if (proxy === undefined) return undefined;
    return bypasses(this.bypass, url) ? undefined : proxy;
  }
}

/** One parsed NO_PROXY item. */
export interface NoProxyEntry {
  /** Lower-case host or domain, without a leading `.` or `*.`; `*` matches everything. */
  host: string;
  port?: string;
}

/** Parses a NO_PROXY list: `host`, `.suffix`, `*.suffix`, `host:port`, `[v6]:port`, `*`. */
export function parseNoProxy(list: string): NoProxyEntry[] {
  const entries: NoProxyEntry[] = [];
  for (const raw of list.split(/[,\s]+/)) {
    let item = raw.trim().toLowerCase();
    if (item === '') continue;
    let port: string | undefined;
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(item);
    if (v6) {
      item = v6[1] ?? '';
      port = v6[2];
    } else {
      const hostPort = /^([^:]+):(\d+)$/.exec(item);
      if (hostPort) {
        item = hostPort[1] ?? '';
        port = hostPort[2];
      }
    }
    // `.example.com` and `*.example.com` also cover example.com itself, as curl and Go do.
    item = item.replace(/^\*?\./, '');
    entries.push(port === undefined ? { host: item } : { host: item, port });
  }
  return entries;
}

/** True when `url` matches an entry of the NO_PROXY list. */
export function bypasses(entries: readonly NoProxyEntry[], url: URL): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  return entries.some((entry) => {
    if (entry.host === '*') return true;
    if (entry.port !== undefined && entry.port !== port) return false;
    return host === entry.host || host.endsWith(`.${entry.host}`);
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
