import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** The request line of one request a {@link RawUpstream} received. */
export interface RawRequest {
  method: string;
  path: string;
  /** 1 for the first request the server saw, 2 for the second, … */
  call: number;
}

/**
 * Writes a whole response to `socket` by hand. Return normally to keep the connection for
 * further requests; end or destroy the socket to drop it.
 */
export type RawResponder = (socket: Socket, request: RawRequest) => void | Promise<void>;

/** A TCP server speaking just enough HTTP/1.1 to send responses node:http would refuse to write. */
export interface RawUpstream {
  url: string;
  /** GET requests received for `path`. */
  hits(path: string): number;
  close(): Promise<void>;
}

/**
 * Starts a raw upstream on 127.0.0.1:0. It reads request heads (requests have no body here) and
 * hands each to `respond`, one at a time per connection.
 */
export async function startRawUpstream(respond: RawResponder): Promise<RawUpstream> {
  const seen: RawRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    let busy = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end !== -1; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        const [method = '', path = ''] = (head.split('\r\n')[0] ?? '').split(' ');
        const request: RawRequest = { method, path, call: seen.length + 1 };
        seen.push(request);
        busy = busy.then(() => respond(socket, request)).then(
          () => {},
          () => void socket.destroy(),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: (path) => seen.filter((r) => r.path === path && r.method === 'GET').length,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The head of a 200 response with the given Content-Length (or none when undefined). */
export function responseHead(contentLength: number | undefined, extra: Record<string, string> = {}): string {
  const lines = ['HTTP/1.1 200 OK', 'Content-Type: application/octet-stream'];
  if (contentLength !== undefined) lines.push(`Content-Length: ${contentLength}`);
  for (const [name, value] of Object.entries(extra)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}
