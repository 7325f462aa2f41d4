import type { Coordinator, HeldLock } from './coordinator.js';

/**
 * Runs `fn` holding the coordinator lock `key`, waiting for the holder (in this process or another
 * replica) to release it first; the lock is renewed while held and released after `fn` settles.
 */
export async function withLock<T>(coord: Coordinator, key: string, ttlMs: number, fn: () => Promise<T>): Promise<T> {
  let lock: HeldLock | undefined;
  while (!(lock = await coord.tryLock(key, ttlMs))) await coord.waitUnlocked(key);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
