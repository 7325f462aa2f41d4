import { setTimeout as sleep } from 'node:timers/promises';
import type { TestProxy } from './proxy.js';

/**
 * Resolves once the cache entry for `(repo, path)` exists and its expiry has passed, reading the
 * expiry from the metadata store. A fixed sleep after the response races the commit, which can
 * land after the client has the body on a loaded machine.
 */
export async function waitUntilExpired(proxy: TestProxy, repo: string, path: string, timeoutMs = 30_000): Promise<void> {
  const meta = proxy.server.context.backends.meta;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entry = await meta.get(repo, path.replace(/^\//, ''));
    if (entry) {
      if (entry.expiresAt === null) throw new Error(`${repo}/${path} never expires`);
      const left = entry.expiresAt - Date.now();
      if (left < 0) return;
      if (left > timeoutMs) throw new Error(`${repo}/${path} expires in ${left} ms, more than the ${timeoutMs} ms allowed`);
      await sleep(left + 20);
      continue;
    }
    if (Date.now() > deadline) throw new Error(`${repo}/${path} was not stored within ${timeoutMs} ms`);
    await sleep(25);
  }
}
