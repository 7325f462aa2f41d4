import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Agent as HttpAgent, AgentOptions } from 'node:http';
import { isIP, type LookupFunction } from 'node:net';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { AapiError } from '../errors.js';
import { TunnelAgent, type TunnelProxy } from './connect-tunnel.js';
import { POOL_OPTIONS as POOL, PoolAgent, SecurePoolAgent } from './pool-agents.js';
import { basicAuth, portOf } from './request-target.js';

/** How to send one request: which agent, where to connect, and what to put on the request line. */
export interface Route {
  agent: HttpAgent;
  /** Use https.request: an https target, or an http target through an https proxy. */
  secure: boolean;
  /** Where the agent connects: the target, or the proxy for absolute-URI requests. */
  host: string;
  port: number;
  /** `/path?query`, or the absolute URI when a proxy relays the request. */
  path: string;
  /** TLS server name when it is not the target's (an https proxy). */
  servername?: string;
  /** `host`, plus `proxy-authorization` for absolute-URI requests to a proxy with credentials. */
  headers: Record<string, string>;
  /** A checking DNS lookup for a redirect hop, with the pool tag of the sockets it connects. */
  guard?: { lookup: LookupFunction; poolTag: string };
}

interface ProxyAgents {
  proxy: TunnelProxy;
  /** Carries absolute-URI requests for http targets to the proxy. */
  relay: HttpAgent;
  /** Opens CONNECT tunnels for https targets. */
  tunnel: TunnelAgent;
}

/**
 * The keep-alive agents of one client: one per scheme for direct traffic and, per outbound proxy,
 * one that relays http requests and one that tunnels https. Each agent keeps up to 64 sockets per
 * origin (per proxy for the relay).
 */
export class Agents {
  private readonly tls: AgentOptions & { secureContext?: SecureContext };
  private readonly http: HttpAgent;
  private readonly https: SecurePoolAgent;
  private readonly proxies = new Map<string, ProxyAgents>();

  constructor(caFile: string | undefined) {
    // One context for every connection: building it parses ~150 certificates (about 0.1 s of
    // CPU), far too much to repeat per handshake as passing `ca` to each connection would.
    this.tls =
      caFile === undefined || caFile === ''
        ? {}
        : { secureContext: createSecureContext({ ca: [...rootCertificates, ...readCertificates(caFile)] }) };
    this.http = new PoolAgent(POOL);
    this.https = new SecurePoolAgent({ ...POOL, ...this.tls });
  }

  /** The route for `url`, direct or through `proxy`. */
  route(url: URL, proxy: string | undefined): Route {
    const host = unbracket(url.hostname);
    const port = portOf(url);
    const headers: Record<string, string> = { host: url.host };
    const path = `${url.pathname}${url.search}`;
    const secure = url.protocol === 'https:';
    if (proxy === undefined) return { agent: secure ? this.https : this.http, secure, host, port, path, headers };

    const via = this.viaProxy(proxy);
    if (secure) return { agent: via.tunnel, secure, host, port, path, headers };
    if (via.proxy.authorization !== undefined) headers['proxy-authorization'] = via.proxy.authorization;
    const proxyHost = unbracket(via.proxy.url.hostname);
    return {
      agent: via.relay,
      secure: via.proxy.url.protocol === 'https:',
      host: proxyHost,
      port: portOf(via.proxy.url),
      path: `${url.origin}${path}`,
      // Without it Node would take the TLS name from the Host header, i.e. the target's.
      servername: isIP(proxyHost) === 0 ? proxyHost : '',
      headers,
    };
  }

  /**
   * Closes idle sockets now and each busy one as soon as its response is done; resolves when
   * the sockets busy at the time of the call have closed.
   */
  async close(): Promise<void> {
    const agents: HttpAgent[] = [this.http, this.https];
    for (const via of this.proxies.values()) agents.push(via.relay, via.tunnel);
    const busy: Promise<unknown>[] = [];
    for (const agent of agents) {
      const sweep = (): void => {
        for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
      };
      // Runs after the agent's own 'free' handler: a socket it handed to a queued request is busy
      // again and stays; one it put in the idle pool is closed.
      agent.on('free', sweep);
      sweep();
      for (const sockets of Object.values(agent.sockets)) {
        for (const socket of sockets ?? []) if (!socket.destroyed) busy.push(once(socket, 'close'));
      }
    }
    await Promise.all(busy);
  }

  private viaProxy(raw: string): ProxyAgents {
    let via = this.proxies.get(raw);
    if (via) return via;
    const proxy = parseProxy(raw);
    const relay = proxy.url.protocol === 'https:' ? new SecurePoolAgent({ ...POOL, ...this.tls }) : new PoolAgent(POOL);
    via = { proxy, relay, tunnel: new TunnelAgent(proxy, { ...POOL, ...this.tls }) };
    this.proxies.set(raw, via);
    return via;
  }
}

/** Reads the PEM certificates of `upstream.ca_file`; each becomes one entry beside the bundled roots. */
function readCertificates(file: string): string[] {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AapiError('AAPI_ERR_CONFIG_INVALID', `upstream.ca_file cannot be read: ${file}`, { cause: err });
  }
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!certs) throw new AapiError('AAPI_ERR_CONFIG_INVALID', `upstream.ca_file holds no PEM certificate: ${file}`);
  return certs;
}

function parseProxy(raw: string): TunnelProxy {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The raw value may carry credentials: it is not repeated.
    throw new AapiError('AAPI_ERR_CONFIG_INVALID', 'the outbound proxy URL is invalid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AapiError('AAPI_ERR_CONFIG_INVALID', `the outbound proxy URL must be http or https, got ${url.protocol}`);
  }
  if (url.username === '' && url.password === '') return { url };
  const authorization = basicAuth({ username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
  return { url, authorization };
}

function unbracket(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1');
}
