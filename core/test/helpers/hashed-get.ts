import { createHash } from 'node:crypto';
import { get, type IncomingHttpHeaders } from 'node:http';

/** What a client saw of one GET, without keeping the body in memory. */
export interface HashedResponse {
  /** 0 when no response arrived at all. */
  status: number;
  headers: IncomingHttpHeaders;
  /** Body bytes received. */
  size: number;
  /** Hex sha256 of the body bytes received. */
  sha256: string;
  /** The whole message arrived as framed by the server, with no error. */
  complete: boolean;
  error?: Error;
  /** performance.now() when the response headers arrived. */
  headersAt?: number;
  /** performance.now() when the first body byte arrived. */
  firstByteAt?: number;
  /** The body as text when it is an error answer (status other than 200/206), for assertions. */
  text?: string;
}

export interface HashedGetOptions {
  /** Destroys the request once this many body bytes have arrived (a client walking away). */
  abortAfterBytes?: number;
  headers?: Record<string, string>;
  /** Called once, when the first body byte arrives. */
  onFirstByte?: () => void;
}

/**
 * GETs `url` over a fresh connection with node:http, hashing the body as it streams, and
 * resolves (never rejects) with what arrived, including when the server cuts the body short.
 */
export function hashedGet(url: string, options: HashedGetOptions = {}): Promise<HashedResponse> {
  return new Promise((resolve) => {
    const hash = createHash('sha256');
    const out: HashedResponse = { status: 0, headers: {}, size: 0, sha256: '', complete: false };
    let settled = false;
    let ended = false;
    const textParts: Buffer[] = [];
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (error) out.error = error;
      out.sha256 = hash.digest('hex');
      if (textParts.length > 0) out.text = Buffer.concat(textParts).toString('utf8');
      resolve(out);
    };
    // agent: false gives each request its own connection, so an aborted one cannot affect another.
    const req = get(url, { agent: false, headers: options.headers }, (res) => {
      out.status = res.statusCode ?? 0;
      out.headers = res.headers;
      out.headersAt = performance.now();
      const keepText = out.status !== 200 && out.status !== 206;
      res.on('data', (chunk: Buffer) => {
        if (out.firstByteAt === undefined) {
          out.firstByteAt = performance.now();
          options.onFirstByte?.();
        }
        out.size += chunk.byteLength;
        hash.update(chunk);
        if (keepText && out.size <= 65_536) textParts.push(chunk);
        if (options.abortAfterBytes !== undefined && out.size >= options.abortAfterBytes) {
          req.destroy();
          settle(new Error('aborted by the test client'));
        }
      });
      res.on('end', () => {
        ended = true;
        out.complete = res.complete;
        settle();
      });
      res.on('error', (err) => settle(err));
      res.on('close', () => {
        if (!ended) settle(new Error('response closed before its end'));
      });
    });
    req.on('error', (err) => settle(err));
  });
}
