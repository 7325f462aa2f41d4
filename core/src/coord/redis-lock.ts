import type { HeldLock } from './coordinator.js';
import type { RedisLink } from './redis-link.js';
import { RedisScript } from './redis-script.js';

/** Extends the key's life only while it still holds our token. */
const RENEW = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`);

/** Deletes the key only while it still holds our token, and wakes the waiters in the same step. */
const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], 'released')
  return 1
end
return 0`);

/** Where one lock lives in Redis and who holds it. */
export interface RedisLockSpec {
  /** The key as the caller named it. */
  key: string;
  /** The Redis key holding the token. */
  redisKey: string;
  /** Where release announces itself to waiters. */
  unlockChannel: string;
  token: string;
  ttlMs: number;
  /** When the SET that took the lock was sent: the key lives at most ttlMs from then. */
  takenAt: number;
  /** Called once the lock stops needing care (released or lost). */
  onEnd(lock: RedisHeldLock): void;
}

/**
 * A lock held in Redis, renewed every ttl/3 while held. `lost` aborts as soon as the lock can no
 * longer be vouched for: a renewal found another token (or none), or no renewal succeeded within
 * ttl of the last good one, after which the key may have expired and been taken by a peer.
 */
export class RedisHeldLock implements HeldLock {
  readonly key: string;
  readonly #spec: RedisLockSpec;
  readonly #link: RedisLink;
  readonly #lost = new AbortController();
  #renewTimer: NodeJS.Timeout | undefined;
  #deadline: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(link: RedisLink, spec: RedisLockSpec) {
    this.key = spec.key;
    this.#spec = spec;
    this.#link = link;
    this.#armDeadline(spec.takenAt + spec.ttlMs);
    this.#scheduleRenewal(Math.max(0, spec.takenAt + this.#interval() - Date.now()));
  }

  get lost(): AbortSignal {
    return this.#lost.signal;
  }

  /** Stops renewing, then deletes the key if it still holds our token. Repeating it is harmless. */
  async release(): Promise<void> {
    this.#stop();
    const { redisKey, token, unlockChannel } = this.#spec;
    await this.#link.run((redis) => RELEASE.run(redis, [redisKey], [token, unlockChannel]));
  }

  /** Stops renewing without touching Redis (the key then expires on its own). */
  abandon(): void {
    this.#stop();
  }

  #interval(): number {
    return Math.max(1, Math.floor(this.#spec.ttlMs / 3));
  }

  #scheduleRenewal(ms: number): void {
    if (this.#stopped) return;
    this.#renewTimer = setTimeout(() => void this.#renew(), ms);
    this.#renewTimer.unref();
  }

  async #renew(): Promise<void> {
    const { redisKey, token, ttlMs } = this.#spec;
    const sentAt = Date.now();
    let renewed: unknown;
    try {
      renewed = await this.#link.run((redis) => RENEW.run(redis, [redisKey], [token, ttlMs]));
    } catch {
      // Unknown outcome: the key may still be ours until the deadline; try again sooner.
      this.#scheduleRenewal(Math.max(1, Math.floor(this.#interval() / 2)));
      return;
    }
    if (this.#stopped) return;
    if (renewed !== 1) {
      this.#lose(`lock ${this.key} was lost: its key expired or was taken by another holder`);
      return;
    }
    this.#armDeadline(sentAt + ttlMs);
    this.#scheduleRenewal(this.#interval());
  }

  #armDeadline(at: number): void {
    clearTimeout(this.#deadline);
    this.#deadline = setTimeout(
      () => this.#lose(`lock ${this.key} was lost: Redis could not renew it within its ttl of ${this.#spec.ttlMs} ms`),
      Math.max(0, at - Date.now()),
    );
    this.#deadline.unref();
  }

  #lose(why: string): void {
    if (this.#stopped) return;
    this.#stop();
    this.#lost.abort(new Error(why));
  }

  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#deadline);
    this.#spec.onEnd(this);
  }
}
