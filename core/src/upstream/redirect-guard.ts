import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';
import { AapiError } from '../errors.js';
import { nonPublicKind, plainAddress } from './address-kind.js';
import { portOf } from './request-target.js';

/** An address this process accepts requests on, as `server.address()` reports it. */
export interface ListenAddress {
  address: string;
  port: number;
}

/** The connect-time half of a redirect check, for targets named by a host name. */
export interface HopGuard {
  /** dns.lookup that fails with AAPI_ERR_UPSTREAM_REDIRECT_REFUSED when any answer is forbidden. */
  lookup: LookupFunction;
  /** Keeps sockets connected under this check apart in the pool from unchecked ones. */
  poolTag: string;
}

type Verdict = (ip: string) => AapiError | undefined;

/**
 * Decides where a redirect may go. A redirect never reaches this server's own listen addresses
 * (it would join its own single flight and wait for a timeout); it reaches a non-public address
 * (loopback, private, link-local, …) only on a host the caller allowed. The check is made on the
 * address actually connected to, at DNS lookup time, so a public-looking name that resolves to
 * 127.0.0.1 is caught and a second lookup cannot answer differently.
 */
export class RedirectGuard {
  constructor(private readonly listening: () => readonly ListenAddress[]) {}

  /**
   * Checks a redirect target before any traffic: throws AAPI_ERR_UPSTREAM_REDIRECT_REFUSED for a
   * forbidden IP literal, else returns the lookup to connect with (undefined when nothing is left
   * to check). Through an outbound proxy the proxy resolves names, so only literals are checked.
   */
  check(url: URL, allowed: readonly string[], proxied: boolean): HopGuard | undefined {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = portOf(url);
    const trusted = allowed.some((entry) => matchesHost(entry, url.hostname, port));
    const verdict: Verdict = (ip) => this.refusal(url, ip, port, trusted, proxied);
    if (isIP(host) !== 0) {
      const refused = verdict(host);
      if (refused) throw refused;
      return undefined;
    }
    if (proxied) return undefined;
    return { lookup: guardedLookup(verdict), poolTag: trusted ? 'redirect-trusted' : 'redirect-public' };
  }

  private refusal(url: URL, ip: string, port: number, trusted: boolean, proxied: boolean): AapiError | undefined {
    // Through a proxy the address is the proxy's to reach, not ours: only the range check applies.
    if (!proxied && this.isSelf(plainAddress(ip), port)) return refused(url, 'it points back at this server');
    if (trusted) return undefined;
    const kind = nonPublicKind(ip);
    if (kind === undefined) return undefined;
    return refused(url, `it leads to a ${kind} address; list the host in the repository's redirect_hosts to allow it`);
  }

  private isSelf(ip: string, port: number): boolean {
    for (const listen of this.listening()) {
      if (listen.port !== port) continue;
      const address = plainAddress(listen.address);
      if (address === ip) return true;
      // A wildcard listener answers on every local address; a connect to 0.0.0.0 or :: lands on a local one.
      if (isWildcard(address) && isLocal(ip)) return true;
      if (isWildcard(ip) && isLocal(address)) return true;
    }
    return false;
  }
}

function refused(url: URL, why: string): AapiError {
  // The host only: a query (signatures) or userinfo never reaches a message.
  return new AapiError('AAPI_ERR_UPSTREAM_REDIRECT_REFUSED', `redirect to ${url.host} refused: ${why}`);
}

function isWildcard(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::';
}

function isLocal(ip: string): boolean {
  const kind = nonPublicKind(ip);
  if (kind === 'loopback' || kind === 'unspecified') return true;
  for (const addresses of Object.values(networkInterfaces())) {
    for (const info of addresses ?? []) if (plainAddress(info.address) === ip) return true;
  }
  return false;
}

/**
 * True when `entry` (`host` for any port, `host:port`, `[v6]:port`) names `hostname` (as URL
 * spells it, IPv6 in brackets) on `port`. Entries are spelled as a URL would spell them, so
 * `LOCALHOST` and `[0:0::1]` match too.
 */
export function matchesHost(entry: string, hostname: string, port: number): boolean {
  const match = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d+))?$/.exec(entry.trim());
  let host: string;
  try {
    host = new URL(`http://${match?.[1] ?? `[${entry.trim()}]`}`).hostname;
  } catch {
    return false;
  }
  return host === hostname && (match?.[2] === undefined || Number(match[2]) === port);
}

/** dns.lookup with every answer checked; one forbidden answer refuses the whole name. */
function guardedLookup(verdict: Verdict): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      for (const { address } of addresses) {
        const refusal = verdict(address);
        if (refusal) return callback(refusal, '');
      }
      const first = addresses[0];
      if (options.all) callback(null, addresses);
      else if (first) callback(null, first.address, first.family);
      else callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
    });
  };
}
