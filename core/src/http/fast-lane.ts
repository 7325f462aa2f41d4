import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { HotHit, HotPath } from './hot-path.js';
import { parsePlainHead, plainHeaders } from './request-head.js';

/** Bodies up to this size go out in one buffer with their head, one write(2) per hit. */
const ONE_BUFFER_MAX = 16 * 1024;
/** Header values node:http's writeHead accepts. */
const VALID_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const VALID_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Responses whose bytes are kept for the rest of the second (their Date), the first ones of it. */
const KEPT_PER_SECOND = 256;

/** A hit's response bytes, built once a second per response headers. */
interface Written {
  head: Buffer;
  /** The body `whole` was built with. */
  body?: Buffer;
  /** Head and body in one buffer, for bodies up to ONE_BUFFER_MAX. */
  whole?: Buffer;
}

let date: string | undefined;

/** The Date header's value, made once a second. */
function httpDate(): string {
  if (date === undefined) {
    const now = new Date();
    date = now.toUTCString();
    setTimeout(() => (date = undefined), 1000 - now.getMilliseconds()).unref();
  }
  return date;
}

/**
 * Hot hits answered on the socket, ahead of node:http's parser and its request and response
 * objects, which cost a 4 KiB hit more than everything the product does for it (bench/README.md,
 * session 24). A connection starts here; each complete plain GET or HEAD (request-head.ts) that the
 * hot path holds in memory is answered with the bytes node:http would send for it (same headers,
 * Date, Connection and Keep-Alive), then logged and counted by the hot path. At the first request
 * that is anything else, or not all here yet, the connection goes to node:http for good, with
 * that request's bytes put back in front of its parser: so misses, uploads, conditionals, errors
 * and odd heads are all node:http's and fastify's, as before.
 */
export class FastLane {
  #open = true;
  readonly #connections = new Set<LaneConnection>();
  readonly #written = new Map<readonly string[], Written>();
  #writtenAt = '';

  private constructor(
    readonly hot: HotPath,
    readonly server: Server,
    readonly log: FastifyBaseLogger,
    /** node:http's own handling of a new connection. */
    readonly handOver: (socket: Socket) => void,
  ) {}

  /**
   * Puts a lane in front of `server`'s connections. Undefined (the server left as it is) when the
   * server does not have the single connection listener node:http installs.
   */
  static install(server: Server, hot: HotPath, log: FastifyBaseLogger): FastLane | undefined {
    const listeners = server.listeners('connection');
    if (listeners.length !== 1) return undefined;
    const nodeHttp = listeners[0] as (this: Server, socket: Socket) => void;
    server.removeListener('connection', nodeHttp);
    const lane = new FastLane(hot, server, log, (socket) => nodeHttp.call(server, socket));
    server.on('connection', (socket: Socket) => lane.#accept(socket));
    return lane;
  }

  /** New connections go straight to node:http, and those here end once their responses are out. */
  close(): void {
    this.#open = false;
    for (const connection of this.#connections) connection.end();
  }

  /** @internal */
  forget(connection: LaneConnection): void {
    this.#connections.delete(connection);
  }

  /** The bytes of `hit`'s response; null when node:http must write it (headers it would refuse). */
  bytesOf(hit: HotHit): Buffer | readonly [Buffer, Buffer] | null {
    const now = httpDate();
    // A new second: every head has a new Date. Bounded, so a crawl of many small files keeps no copies.
    if (now !== this.#writtenAt) {
      this.#written.clear();
      this.#writtenAt = now;
    }
    let written = this.#written.get(hit.raw);
    if (written === undefined) {
      const head = responseHead(hit.raw, now, this.server.keepAliveTimeout);
      if (head === undefined) return null;
      written = { head };
      if (this.#written.size < KEPT_PER_SECOND) this.#written.set(hit.raw, written);
    }
    if (hit.head) return written.head;
    const { body } = hit;
    if (body.byteLength > ONE_BUFFER_MAX) return [written.head, body];
    if (written.body !== body) {
      written.body = body;
      written.whole = Buffer.concat([written.head, body]);
    }
    return written.whole!;
  }

  #accept(socket: Socket): void {
    if (!this.#open || this.server.maxRequestsPerSocket) return this.handOver(socket);
    this.#connections.add(new LaneConnection(this, socket));
  }
}

/** One connection while the lane answers it. */
class LaneConnection {
  /** Requests read but not yet answered, while the client is slow to take responses. */
  #waiting: Buffer | undefined;
  #ended = false;

  constructor(
    private readonly lane: FastLane,
    private readonly socket: Socket,
  ) {
    socket.setTimeout(lane.server.keepAliveTimeout);
    socket.on('data', this.#onData);
    socket.on('timeout', this.#onTimeout);
    socket.on('error', this.#onError);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onClose);
  }

  /** Ends the connection once what it was sent is answered. */
  end(): void {
    this.#ended = true;
    if (this.#waiting === undefined) this.socket.end();
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#takeSafely(chunk);
  };

  #takeSafely(bytes: Buffer): void {
    try {
      this.#take(bytes);
    } catch (err) {
      // A fault of the lane's own: this connection goes, the server stays.
      this.lane.log.error({ err }, 'the fast lane failed on a connection');
      this.socket.destroy();
    }
  }

  /** Answers the requests in `bytes`, from the first, while they are hot hits. */
  #take(bytes: Buffer): void {
    const { hot } = this.lane;
    let at = 0;
    while (at < bytes.length) {
      // Responses the client has not taken yet are over the socket's mark: read no more until it
      // has caught up, as node:http does, so its answers do not pile up in memory.
      if (this.socket.writableNeedDrain) {
        this.#waiting = bytes.subarray(at);
        this.socket.pause();
        this.socket.once('drain', this.#onDrain);
        return;
      }
      const head = this.#ended ? undefined : parsePlainHead(bytes, at);
      const hit = head && hot.hit(head.method, head.url, () => plainHeaders(head), false);
      const response = hit && this.lane.bytesOf(hit);
      if (!response) return this.#handOver(bytes.subarray(at));
      this.#write(response);
      hot.record(hit, 'hot-lane');
      at = head.end;
    }
  }

  #write(response: Buffer | readonly [Buffer, Buffer]): void {
    const { socket } = this;
    if (Buffer.isBuffer(response)) {
      socket.write(response);
      return;
    }
    socket.cork();
    socket.write(response[0]);
    socket.write(response[1]);
    socket.uncork();
  }

  readonly #onDrain = (): void => {
    const waiting = this.#waiting!;
    this.#waiting = undefined;
    this.socket.resume();
    this.#takeSafely(waiting);
    if (this.#ended && this.#waiting === undefined && !this.socket.destroyed) this.socket.end();
  };

  /** From `rest` on (the first request not answered here), node:http has the connection. */
  #handOver(rest: Buffer): void {
    const { socket } = this;
    this.#detach();
    if (this.#ended) {
      socket.end();
      return;
    }
    socket.setTimeout(0);
    socket.pause();
    if (rest.length > 0) socket.unshift(rest);
    this.lane.handOver(socket);
    socket.resume();
  }

  #detach(): void {
    const { socket } = this;
    socket.off('data', this.#onData);
    socket.off('timeout', this.#onTimeout);
    socket.off('error', this.#onError);
    socket.off('end', this.#onEnd);
    socket.off('close', this.#onClose);
    socket.off('drain', this.#onDrain);
    this.lane.forget(this);
  }

  readonly #onTimeout = (): void => {
    this.socket.destroy();
  };

  // A reset or a broken pipe: the connection is gone, nothing to answer.
  readonly #onError = (): void => {
    this.socket.destroy();
  };

  // The client sent all it will (the server allows half-open connections): finish and close.
  readonly #onEnd = (): void => {
    this.end();
  };

  readonly #onClose = (): void => {
    this.#detach();
  };
}

/** What node:http's writeHead(200, raw) writes for a keep-alive response; undefined when it would refuse the headers. */
function responseHead(raw: readonly string[], now: string, keepAliveTimeout: number): Buffer | undefined {
  let text = 'HTTP/1.1 200 OK\r\n';
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    if (!VALID_NAME.test(name) || !VALID_VALUE.test(value)) return undefined;
    text += `${name}: ${value}\r\n`;
  }
  text += `Date: ${now}\r\nConnection: keep-alive\r\n`;
  if (keepAliveTimeout) text += `Keep-Alive: timeout=${Math.floor(keepAliveTimeout / 1000)}\r\n`;
  return Buffer.from(`${text}\r\n`, 'latin1');
}
