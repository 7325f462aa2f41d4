import { setTimeout as sleep } from 'node:timers/promises';
import type { TestProxy } from './proxy.js';

/** What /health answered. */
export interface HealthAnswer {
  status: number;
  body: {
    status: string;
    backends: Record<'storage' | 'metadata' | 'coordination', { kind: string; ok: boolean; error?: string }>;
  };
}

export async function health(url: string): Promise<HealthAnswer> {
  const res = await fetch(`${url}/health`);
  return { status: res.status, body: (await res.json()) as HealthAnswer['body'] };
}

/**
 * Polls `probe` until it returns a value `accept` likes; throws with the last value after
 * `timeoutMs`. Backends notice an outage or a recovery on their own schedule (socket close,
 * reconnect backoff), so tests wait for the state rather than sleep a guessed time.
 */
export async function eventually<T>(what: string, probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Resolves once the metadata row of `(repo, path)` is committed (it can land after the client has the body). */
export async function whenStored(proxy: TestProxy, repo: string, path: string): Promise<void> {
  const meta = proxy.server.context.backends.meta;
  await eventually(`${repo}/${path} stored`, () => meta.get(repo, path).then((e) => e !== undefined), (stored) => stored);
}
