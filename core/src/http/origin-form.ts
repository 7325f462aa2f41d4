import type { IncomingMessage } from 'node:http';

/**
 * Turns an absolute-form request target (`GET http://user:token@host/path`, as a client sends
 * through a proxy) into the origin form (`/path?query`) before routing: routes split the raw URL
 * by position, and the credentials it may carry must reach neither a log line nor an error body.
 */
export function toOriginForm(req: IncomingMessage): void {
  const url = req.url;
  if (url === undefined || url.charCodeAt(0) === SLASH || url === '*') return;
  try {
    const parsed = new URL(url);
    req.url = `${parsed.pathname}${parsed.search}`;
  } catch {
    // Not a URL at all: fastify answers it as any unknown path.
  }
}

const SLASH = 0x2f;
