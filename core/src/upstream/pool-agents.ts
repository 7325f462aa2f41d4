import type { AgentOptions, ClientRequest, ClientRequestArgs } from 'node:http';
import { Agent as HttpAgent } from '../node-http.js';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';

/**
 * Pool settings shared by every agent. `timeout` closes a pooled socket after 4 s of rest,
 * before the common 5 s keep-alive limit of servers, so a request rarely picks a socket the
 * server is closing; `lifo` reuses the warmest socket and lets the others expire.
 */
export const POOL_OPTIONS: AgentOptions = { keepAlive: true, maxSockets: 64, scheduling: 'lifo', timeout: 4_000 };

/**
 * Bytes on a socket that has no request in flight belong to no response: a server that sends
 * more than it declared. Such a socket is closed, so those bytes can never be read as the
 * answer to the next request (a desynchronised connection would poison the cache).
 */
function strayData(this: Duplex): void {
  this.destroy();
}

/**
 * Request option that names a connect-time check (see RedirectGuard): sockets connected under
 * one are pooled apart, so a request never reuses a socket whose address nobody checked.
 */
export const POOL_TAG_OPTION = 'aapiPoolTag';

function poolName(name: string, options: ClientRequestArgs | undefined): string {
  const tag = (options as Record<string, unknown> | undefined)?.[POOL_TAG_OPTION];
  return typeof tag === 'string' ? `${name}:${tag}` : name;
}

function keepIdle(socket: Duplex): boolean {
  if (socket.readableLength > 0) return false;
  socket.on('data', strayData);
  // A paused socket would hold stray bytes back until the next request; flowing, they show now.
  socket.resume();
  return true;
}

/** http.Agent whose idle sockets are closed when the server sends anything on them. */
export class PoolAgent extends HttpAgent {
  override getName(options?: ClientRequestArgs): string {
    return poolName(super.getName(options), options);
  }

  override keepSocketAlive(socket: Duplex): boolean {
    return keepIdle(socket) && (super.keepSocketAlive(socket) as unknown as boolean);
  }

  override reuseSocket(socket: Duplex, request: ClientRequest): void {
    socket.off('data', strayData);
    super.reuseSocket(socket, request);
  }
}

/** https.Agent whose idle sockets are closed when the server sends anything on them. */
export class SecurePoolAgent extends HttpsAgent {
  override getName(options?: ClientRequestArgs): string {
    return poolName(super.getName(options), options);
  }

  override keepSocketAlive(socket: Duplex): boolean {
    return keepIdle(socket) && (super.keepSocketAlive(socket) as unknown as boolean);
  }

  override reuseSocket(socket: Duplex, request: ClientRequest): void {
    socket.off('data', strayData);
    super.reuseSocket(socket, request);
  }
}
