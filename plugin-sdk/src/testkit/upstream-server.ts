import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A file the throwaway upstream serves, with the validators a real origin would send. */
export interface UpstreamFile {
  body: Uint8Array | string;
  contentType?: string;
  /** Defaults to a quoted sha1 of the body; `null` sends none. */
  etag?: string | null;
  lastModified?: Date | null;
  headers?: Record<string, string>;
  status?: number;
}

/** A custom handler for one path; gets the raw request and response. */
export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

export interface UpstreamServerOptions {
  files?: Record<string, UpstreamFile | Uint8Array | string>;
  handlers?: Record<string, UpstreamHandler>;
  host?: string;
}

/**
 * A real HTTP server on loopback that plays an upstream registry in tests: static files with
 * ETag / Last-Modified / 304 support, custom handlers for odd behaviour, and a log of requests.
 */
export class UpstreamServer {
  readonly requests: RecordedRequest[] = [];
  private readonly files = new Map<string, UpstreamFile>();
  private readonly handlers = new Map<string, UpstreamHandler>();
  private readonly server: Server;
  private port = 0;

  constructor(private readonly options: UpstreamServerOptions = {}) {
    for (const [path, file] of Object.entries(options.files ?? {})) this.setFile(path, file);
    for (const [path, handler] of Object.entries(options.handlers ?? {})) this.handlers.set(path, handler);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.destroy(err instanceof Error ? err : new Error(String(err)));
      });
    });
  }

  /** Starts listening on an ephemeral port. */
  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    const host = this.options.host ?? '127.0.0.1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  setFile(path: string, file: UpstreamFile | Uint8Array | string): void {
    const normal: UpstreamFile = typeof file === 'string' || file instanceof Uint8Array ? { body: file } : file;
    this.files.set(path, normal);
  }

  deleteFile(path: string): void {
    this.files.delete(path);
  }

  setHandler(path: string, handler: UpstreamHandler): void {
    this.handlers.set(path, handler);
  }

  /** Requests seen for a path, optionally only of one method. */
  hits(path: string, method?: string): number {
    return this.requests.filter((r) => r.path === path && (method === undefined || r.method === method)).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const handler = this.handlers.get(path);
    if (handler) return handler(req, res);
    const file = this.files.get(path);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    serveFile(req, res, file);
  }
}

function serveFile(req: IncomingMessage, res: ServerResponse, file: UpstreamFile): void {
  const body = typeof file.body === 'string' ? Buffer.from(file.body) : file.body;
  const etag = file.etag === undefined ? `"${createHash('sha1').update(body).digest('hex')}"` : file.etag;
  const headers: Record<string, string> = {
    'content-type': file.contentType ?? 'application/octet-stream',
    ...file.headers,
  };
  if (etag) headers.etag = etag;
  if (file.lastModified) headers['last-modified'] = file.lastModified.toUTCString();
  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  const notModified =
    (inm !== undefined && etag !== null && inm === etag) ||
    (inm === undefined && ims !== undefined && file.lastModified != null &&
      Math.floor(file.lastModified.getTime() / 1000) <= Math.floor(Date.parse(ims) / 1000));
  if (notModified) {
    res.writeHead(304, headers).end();
    return;
  }
  headers['content-length'] = String(body.byteLength);
  res.writeHead(file.status ?? 200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Starts an upstream server; close it in the test's teardown. */
export async function startUpstream(options: UpstreamServerOptions = {}): Promise<UpstreamServer> {
  return new UpstreamServer(options).start();
}
