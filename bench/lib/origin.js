// Starts the origin server (origin-server.js) as a child process and talks to it.
import { createHash } from 'node:crypto';
import { startChildServer } from './child-server.js';
import { stop } from './cleanup.js';

/**
 * Starts an origin on 127.0.0.1. `rate` limits each response to that many bytes/s (0 = unlimited).
 * Returns { port, url, pid, gets(path), stop() }.
 */
export async function startOrigin({ rate = 0, max = 64 * 1024 * 1024 } = {}) {
  const script = new URL('./origin-server.js', import.meta.url).pathname;
  const { child, port, url } = await startChildServer(script, ['--rate', String(rate), '--max', String(max)], 'origin');
  return {
    port,
    url,
    pid: child.pid,
    /** GETs the origin has seen for `path` (e.g. "/blob/4096/a"). */
    async gets(path) {
      const res = await fetch(`${url}/_stats`);
      const { gets } = await res.json();
      return gets[path] ?? 0;
    },
    stop: () => stop(child),
  };
}

/** The path the origin serves `size` bytes at, for a file called `name`. */
export function blobPath(size, name) {
  return `/blob/${size}/${name}`;
}

/** The first bytes of the body the origin serves for `name` (to check responses are not mixed up). */
export function expectedPrefix(name, size) {
  return createHash('sha256').update(name).digest().subarray(0, Math.min(32, size));
}
