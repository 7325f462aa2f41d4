import type { PluginLogger } from '@artifactapi/plugin-sdk';
import type { Coordinator, HeldLock } from '../coord/coordinator.js';

/**
 * A fetch lock outlives a dead leader by this much before another replica may take over (its
 * followers wait that long); a live leader renews it every third of it.
 */
const FETCH_LOCK_TTL_MS = 15_000;

/**
 * The cross-replica half of single flight: one replica fetches a key while the others wait for
 * it. Without coordination (backend down) each process still fetches once per key, so the request
 * goes on instead of failing.
 */
export class FetchLock {
  constructor(
    private readonly coord: Coordinator,
    private readonly log: PluginLogger,
  ) {}

  async tryLock(key: string): Promise<HeldLock | 'busy' | 'unavailable'> {
    try {
      return (await this.coord.tryLock(`fetch:${key}`, FETCH_LOCK_TTL_MS)) ?? 'busy';
    } catch (err) {
      this.log.warn({ err }, 'coordinator unavailable; single flight is per process');
      return 'unavailable';
    }
  }

  /** Resolves to false when the coordinator fails while waiting, so the caller fetches alone. */
  async waitForOtherReplica(key: string): Promise<boolean> {
    try {
      await this.coord.waitUnlocked(`fetch:${key}`);
      return true;
    } catch (err) {
      this.log.warn({ err }, 'coordinator failed while waiting for another replica; fetching here');
      return false;
    }
  }

  /** Whether an upstream 404 for `key` is still remembered (on any replica). */
  /** The upstream status (404 or 410) remembered for `key` on any replica, or undefined. */
  async missingStatus(key: string): Promise<404 | 410 | undefined> {
    const value = await this.coord.getTtl(`missing:${key}`).catch(() => undefined);
    if (value === undefined) return undefined;
    return value === '410' ? 410 : 404;
  }

  async rememberMissing(key: string, ttlSeconds: number, status: 404 | 410): Promise<void> {
    if (ttlSeconds > 0) await this.coord.setTtl(`missing:${key}`, String(status), ttlSeconds * 1000).catch(() => {});
  }

  /** Forgets a remembered 404, so the next request asks the upstream again (eviction). */
  async forgetMissing(key: string): Promise<void> {
    await this.coord.deleteTtl(`missing:${key}`).catch(() => {});
  }
}
