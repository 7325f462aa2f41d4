// Small loopback helpers shared by the launchers.
import { createServer } from 'node:net';
import { request } from 'node:http';

/** Asks the kernel for a free loopback port (bound, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One GET on 127.0.0.1; resolves with the status, or rejects on a socket error. */
export function getStatus(port, path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.setTimeout(2000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Polls `path` until it answers 200, or throws after `timeoutMs` (or when `child` exits). */
export async function waitReady(port, path, { timeoutMs = 30_000, child, name = 'server' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`${name} exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready`);
    }
    try {
      if ((await getStatus(port, path)) === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} not ready on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
