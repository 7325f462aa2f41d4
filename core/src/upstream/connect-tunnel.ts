import type { AgentOptions, RequestOptions } from 'node:https';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions, type SecureContext } from 'node:tls';
import { SecurePoolAgent } from './pool-agents.js';

/** Largest CONNECT reply head we accept; a proxy's answer is a status line and a few headers. */
const MAX_REPLY_HEAD = 16 * 1024;
/** Bound on an unanswered CONNECT when the request named no connect timeout. */
const DEFAULT_TUNNEL_TIMEOUT_MS = 30_000;

/**
 * Request option (passed through the Agent to `createConnection`) that bounds how long the
 * proxy may take to open the tunnel; the request's own connect timer fires at the same moment,
 * this one only makes sure the half-open proxy socket does not linger.
 */
export const TUNNEL_TIMEOUT_OPTION = 'aapiTunnelTimeoutMs';

/** Where the tunnels go: the proxy and what to say to it. */
export interface TunnelProxy {
  url: URL;
  /** `Proxy-Authorization` value from the proxy URL's userinfo. */
  authorization?: string;
}

/**
 * An https Agent whose connections are TLS sessions to the target inside an HTTP CONNECT
 * tunnel through a forward proxy. Sockets are pooled per target like any https Agent's, so a
 * tunnel is opened once and reused for keep-alive requests to the same origin.
 */
export class TunnelAgent extends SecurePoolAgent {
  constructor(
    private readonly proxy: TunnelProxy,
    options: AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    const host = String(options.host ?? options.hostname ?? '');
    const port = Number(options.port ?? 443);
    const limit = (options as Record<string, unknown>)[TUNNEL_TIMEOUT_OPTION];
    const timeoutMs = typeof limit === 'number' && limit > 0 ? limit : DEFAULT_TUNNEL_TIMEOUT_MS;
    openTunnel(this.proxy, host, port, (options as { secureContext?: SecureContext }).secureContext, timeoutMs).then(
      (tunnel) => {
        // SNI names the target, never the proxy; an IP address is not sent as SNI, and the
        // certificate is still checked against `host`.
        const { path: _unixPath, ...tlsOptions } = options;
        // The cast: @types/node 24 gives https's checkServerIdentity a DetailedPeerCertificate and
        // tls's a PeerCertificate; tls.connect calls it with getPeerCertificate(true), the detailed one.
        const tls = tlsConnect({ ...tlsOptions, host, port, socket: tunnel, servername: isIP(host) === 0 ? host : '' } as ConnectionOptions);
        callback?.(null, tls);
      },
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

/** Connects to the proxy, asks it for a tunnel to `host:port` and resolves with the raw tunnel socket. */
export function openTunnel(
  proxy: TunnelProxy,
  host: string,
  port: number,
  secureContext: SecureContext | undefined,
  timeoutMs: number,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const proxyHost = proxy.url.hostname.replace(/^\[(.*)\]$/, '$1');
    const proxyPort = Number(proxy.url.port || (proxy.url.protocol === 'https:' ? 443 : 80));
    const socket: Socket =
      proxy.url.protocol === 'https:'
        ? tlsConnect({
            host: proxyHost,
            port: proxyPort,
            ...(secureContext ? { secureContext } : {}),
            ...(isIP(proxyHost) === 0 ? { servername: proxyHost } : {}),
          })
        : netConnect({ host: proxyHost, port: proxyPort });

    const authority = isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
    const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
    if (proxy.authorization !== undefined) lines.push(`Proxy-Authorization: ${proxy.authorization}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);

    let head = Buffer.alloc(0);
    const timer = setTimeout(() => fail(Object.assign(new Error('Proxy did not answer CONNECT in time'), { code: 'ETIMEDOUT' })), timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', fail);
      socket.off('close', onClose);
    };
    function fail(err: Error): void {
      cleanup();
      socket.destroy();
      reject(err);
    }
    const onClose = (): void => fail(Object.assign(new Error('Proxy closed the connection during CONNECT'), { code: 'ECONNRESET' }));
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (head.length > MAX_REPLY_HEAD) fail(new Error('Proxy sent an oversized CONNECT reply'));
        return;
      }
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'));
      const code = Number(status?.[1] ?? 0);
      if (code < 200 || code > 299) {
        fail(new Error(status ? `Proxy answered CONNECT with ${code}` : 'Proxy sent a malformed CONNECT reply'));
        return;
      }
      cleanup();
      socket.pause();
      // Bytes after the reply head already belong to the TLS session.
      const rest = head.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    socket.on('data', onData);
    socket.on('error', fail);
    socket.on('close', onClose);
  });
}
