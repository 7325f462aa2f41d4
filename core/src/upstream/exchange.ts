import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from '../node-http.js';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Route } from './agents.js';
import { TUNNEL_TIMEOUT_OPTION } from './connect-tunnel.js';
import { POOL_TAG_OPTION } from './pool-agents.js';
import type { TimeoutKind } from './upstream-errors.js';

/** Sockets whose connection (and TLS handshake) completed; they are ready for any later request. */
const readySockets = new WeakSet<Socket>();

/** What one request/response exchange needs besides its route. */
export interface ExchangeOptions {
  method: 'GET' | 'HEAD';
  headers: Record<string, string>;
  /** From the start of the request until the connection is ready (TCP, and TLS for https); 0 = none. */
  connectMs: number;
  /** From the connection being ready until the response headers; 0 = none. */
  headersMs: number;
  /** Builds the error for a timeout that fired. */
  onTimeout: (kind: TimeoutKind) => Error;
  signal?: AbortSignal;
}

/**
 * A request that failed on a pooled keep-alive socket before any response arrived: the server
 * most likely closed that socket while it sat idle, so one retry on another socket is safe for
 * GET and HEAD.
 */
export class StaleSocketError extends Error {
  constructor(override readonly cause: unknown) {
    super('pooled connection was closed by the upstream', { cause });
  }
}

/**
 * Sends one request and resolves with the response once its headers arrive. The synchronous
 * part throws when the request itself is malformed (bad header value, bad path), so callers can
 * tell that from an upstream failure. Rejects with the timeout error, the socket's error, a
 * StaleSocketError, or the signal's reason.
 */
export function startExchange(route: Route, options: ExchangeOptions): Promise<IncomingMessage> {
  const send = route.secure ? httpsRequest : httpRequest;
  const req = send({
    agent: route.agent,
    host: route.host,
    port: route.port,
    path: route.path,
    method: options.method,
    headers: { ...options.headers, ...route.headers },
    setHost: false,
    ...(route.servername !== undefined ? { servername: route.servername } : {}),
    // Read by TunnelAgent so that an unanswered CONNECT does not outlive the request's timer.
    ...{ [TUNNEL_TIMEOUT_OPTION]: options.connectMs },
    ...(route.guard ? { lookup: route.guard.lookup, [POOL_TAG_OPTION]: route.guard.poolTag } : {}),
  });
  return new Promise<IncomingMessage>((resolve, reject) => {
    const { signal } = options;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    let response: IncomingMessage | undefined;
    // The request can still emit 'error' after the response arrived. Mid-body, Node reports it
    // only here: for a body framed by the connection's end it then marks the message complete,
    // so a reset after 300 bytes would pass for a 300-byte file. Fail the response instead.
    // After a complete message (stray bytes), the error changes nothing.
    req.on('error', (err) => {
      if (settled) {
        if (response && !response.complete) response.destroy(err);
        return;
      }
      fail(req.reusedSocket && isResetCode(err) ? new StaleSocketError(err) : err);
    });

    const finish = (): void => {
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    function fail(err: unknown): void {
      if (settled) return;
      finish();
      req.destroy();
      reject(err);
    }
    const onAbort = (): void => fail(signal?.reason);
    const arm = (kind: TimeoutKind, ms: number): void => {
      if (timer) clearTimeout(timer);
      timer = ms > 0 ? setTimeout(() => fail(options.onTimeout(kind)), ms) : undefined;
    };
    const connected = (): void => {
      if (!settled) arm('headers', options.headersMs);
    };

    if (signal?.aborted) {
      fail(signal.reason);
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    arm('connect', options.connectMs);

    req.on('socket', (socket: Socket) => {
      // A socket freed by one request can go straight to a queued one without being marked as
      // reused, and a TLS socket says 'secureConnect' only once: hence the set.
      if (req.reusedSocket || readySockets.has(socket)) {
        connected();
        return;
      }
      const ready = (): void => {
        readySockets.add(socket);
        connected();
      };
      if (socket instanceof TLSSocket) socket.once('secureConnect', ready);
      else if (socket.connecting) socket.once('connect', ready);
      else ready();
    });
    req.on('response', (res) => {
      response = res;
      finish();
      resolve(res);
    });
    req.on('close', () => {
      // Node reports every failure with 'error' first; this only guards a silent close.
      fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    });
    req.end();
  });
}

function isResetCode(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}
