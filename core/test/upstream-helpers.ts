import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { UpstreamConfig } from '../src/config/types.js';

/** A config with generous limits; tests shrink only what they exercise. */
export function upstreamConfig(overrides: Partial<UpstreamConfig> = {}): UpstreamConfig {
  return {
    timeouts: { connect: 10, headers: 10, idle: 10 },
    max_redirects: 5,
    breaker: { failures: 3, cooldown: 30 },
    ...overrides,
  };
}

/** Listens on an ephemeral loopback port and returns it. */
export async function listen(server: NetServer, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Closes an http(s) server and every connection it still holds. */
export async function closeServer(server: Pick<Server, 'closeAllConnections' | 'close'>): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = createHttpServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}

export { selfSignedCert } from './helpers/self-signed-cert.js';

/** A minimal forward proxy: absolute-URI requests are relayed, CONNECT opens a tunnel. */
export interface ForwardProxy {
  url: string;
  /** `GET http://host/path` or `CONNECT host:port`, in arrival order. */
  seen: string[];
  close(): Promise<void>;
}

export async function startForwardProxy(): Promise<ForwardProxy> {
  const seen: string[] = [];
  const tunnels = new Set<Socket>();
  const server = createHttpServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const relay = httpRequest(req.url ?? '', { method: req.method, headers: req.headers, agent: false }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    relay.on('error', () => res.destroy());
    req.pipe(relay);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = netConnect(Number(port), host ?? '', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      tunnels.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        tunnels.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    async close() {
      for (const socket of tunnels) socket.destroy();
      await closeServer(server);
    },
  };
}

/** A TCP server that answers HTTP by hand, for answers node:http would never send. */
export interface RawServer {
  url: string;
  /** Connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/**
 * Starts a raw TCP server; `answer` runs once per request head received (n counts requests on
 * that connection, from 1; `head` is the request line and headers) and writes whatever bytes
 * the test needs.
 */
export async function startRawServer(answer: (socket: Socket, n: number, head: string) => void): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const state = { connections: 0 };
  const server = createNetServer((socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = '';
    let n = 0;
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        n += 1;
        answer(socket, n, head);
      }
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return state.connections;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
