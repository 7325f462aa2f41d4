import { connect, type Socket } from 'node:net';

/** One HTTP/1.1 response as it came off the wire. */
export interface RawResponse {
  status: number;
  /** The head as sent, status line to the last header line, without the blank line. */
  head: string;
  /** Header names lower-cased; a repeated name keeps its last value. */
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * A client connection that sends exactly the bytes it is given and reads responses off the wire:
 * for what fetch cannot do (pipelining, split heads, malformed requests, one fresh connection).
 */
export class RawConnection {
  #buffered = Buffer.alloc(0);
  #ended = false;
  #wake: (() => void) | undefined;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buffered = Buffer.concat([this.#buffered, chunk]);
      this.#wake?.();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.#ended = true;
        this.#wake?.();
        resolve();
      }),
    );
  }

  static open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  send(bytes: string | Buffer): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  /**
   * The next `count` responses; `bodiless(i)` says which have no body whatever they declare
   * (answers to HEAD). A body without Content-Length or chunking runs to the connection's end.
   */
  async responses(count: number, bodiless: (index: number) => boolean = () => false): Promise<RawResponse[]> {
    const out: RawResponse[] = [];
    while (out.length < count) {
      const parsed = this.#parse(bodiless(out.length));
      if (parsed) {
        out.push(parsed);
        continue;
      }
      if (this.#ended) throw new Error(`the connection closed after ${out.length} of ${count} responses`);
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
    return out;
  }

  close(): void {
    this.socket.destroy();
  }

  #parse(bodiless: boolean): RawResponse | undefined {
    const data = this.#buffered;
    const blank = data.indexOf('\r\n\r\n');
    if (blank < 0) return undefined;
    const head = data.toString('latin1', 0, blank);
    const [statusLine, ...lines] = head.split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(statusLine!.split(' ')[1]);
    const start = blank + 4;
    let body: Buffer;
    let end: number;
    if (bodiless || status === 304 || status === 204) {
      body = Buffer.alloc(0);
      end = start;
    } else if (headers['content-length'] !== undefined) {
      end = start + Number(headers['content-length']);
      if (data.length < end) return undefined;
      body = data.subarray(start, end);
    } else if (headers['transfer-encoding'] === 'chunked') {
      const chunks: Buffer[] = [];
      let at = start;
      for (;;) {
        const lineEnd = data.indexOf('\r\n', at);
        if (lineEnd < 0) return undefined;
        const size = parseInt(data.toString('latin1', at, lineEnd), 16);
        if (data.length < lineEnd + 2 + size + 2) return undefined;
        if (size === 0) {
          end = lineEnd + 4;
          break;
        }
        chunks.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(chunks);
    } else {
      if (!this.#ended) return undefined;
      end = data.length;
      body = data.subarray(start);
    }
    this.#buffered = data.subarray(end);
    return { status, head, headers, body: Buffer.from(body) };
  }
}
