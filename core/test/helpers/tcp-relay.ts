import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * Forwards TCP from a local port to a real server (PostgreSQL, …). Stopping it is an outage the
 * test controls without touching the shared server: the listener closes (new connections are
 * refused) and every live connection is cut. Starting it again listens on the same port.
 */
export class TcpRelay {
  /** 0 until the first start; the same port on every later start. */
  port = 0;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(
    readonly targetHost: string,
    readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    if (this.#server) return;
    const server = createServer((client) => {
      const target = connect(this.targetPort, this.targetHost);
      for (const socket of [client, target]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          target.destroy();
        });
      }
      client.pipe(target).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
