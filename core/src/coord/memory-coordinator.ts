import { AapiError } from '../errors.js';
import type { Coordinator, HeldLock } from './coordinator.js';

/** Options of {@link MemoryCoordinator}. */
export interface MemoryCoordinatorOptions {
  /** Clock for TTL keys, in ms since epoch; tests inject a fake one. Default `Date.now`. */
  now?: () => number;
  /**
   * Receives what a subscriber's handler throws, so one faulty handler neither crashes the
   * process nor keeps the message from the others. Default: a process warning.
   */
  onHandlerError?: (err: unknown, channel: string) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Subscription {
  handler: (message: string) => void;
}

/** Keeps `sweepAt` at twice the live size, so expired keys cost amortised O(1) per set. */
const MIN_SWEEP = 1024;

/**
 * In-process coordination, the embedded default: one process is the only replica, so a `Map`
 * is the whole truth.
 *
 * Locks do not expire. `ttlMs` exists for holders that can die without telling anyone (another
 * replica); here a holder lives in this process, and "renewed automatically while held" means
 * held until `release()`. So `lost` never fires. A holder that never releases keeps the key locked,
 * which is a bug in the holder, not a crash to recover from.
 */
export class MemoryCoordinator implements Coordinator {
  readonly kind = 'memory';
  readonly #now: () => number;
  readonly #onHandlerError: (err: unknown, channel: string) => void;
  /** key → the token of the current holder. */
  readonly #locks = new Map<string, symbol>();
  readonly #waiters = new Map<string, Set<Waiter>>();
  readonly #ttl = new Map<string, { value: string; expiresAt: number }>();
  readonly #channels = new Map<string, Set<Subscription>>();
  #sweepAt = MIN_SWEEP;
  #closed = false;

  constructor(options: MemoryCoordinatorOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#onHandlerError = options.onHandlerError ?? defaultHandlerError;
  }

  async tryLock(key: string, ttlMs: number): Promise<HeldLock | undefined> {
    this.#checkOpen();
    checkTtl(ttlMs);
    if (this.#locks.has(key)) return undefined;
    const token = Symbol(key);
    this.#locks.set(key, token);
    // Never aborted: see the class comment.
    const lost = new AbortController().signal;
    return {
      key,
      lost,
      release: async () => {
        // The token check is what keeps a stale holder from releasing its successor's lock.
        if (this.#locks.get(key) !== token) return;
        this.#locks.delete(key);
        this.#wake(key);
      },
    };
  }

  /** Resolves on the release that frees `key`; rejects with `signal.reason` when aborted. */
  waitUnlocked(key: string, signal?: AbortSignal): Promise<void> {
    if (this.#closed) return Promise.reject(shuttingDown());
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.#locks.has(key)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let waiters = this.#waiters.get(key);
      if (!waiters) {
        waiters = new Set();
        this.#waiters.set(key, waiters);
      }
      const set = waiters;
      const onAbort = (): void => waiter.reject(signal?.reason);
      const settle = (): void => {
        set.delete(waiter);
        if (set.size === 0 && this.#waiters.get(key) === set) this.#waiters.delete(key);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        resolve: () => {
          settle();
          resolve();
        },
        reject: (err) => {
          settle();
          reject(err);
        },
      };
      set.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async setTtl(key: string, value: string, ttlMs: number): Promise<void> {
    this.#checkOpen();
    checkTtl(ttlMs);
    this.#ttl.set(key, { value, expiresAt: this.#now() + ttlMs });
    if (this.#ttl.size >= this.#sweepAt) this.#sweep();
  }

  async getTtl(key: string): Promise<string | undefined> {
    this.#checkOpen();
    const item = this.#ttl.get(key);
    if (!item) return undefined;
    if (this.#now() >= item.expiresAt) {
      this.#ttl.delete(key);
      return undefined;
    }
    return item.value;
  }

  async deleteTtl(key: string): Promise<void> {
    this.#checkOpen();
    this.#ttl.delete(key);
  }

  /**
   * Delivers on a later turn of the event loop, as a broker would: a handler never runs inside
   * `publish`, and messages on one channel arrive in the order they were published. A handler
   * unsubscribed before delivery does not get the message.
   */
  async publish(channel: string, message: string): Promise<void> {
    this.#checkOpen();
    const subs = this.#channels.get(channel);
    if (!subs || subs.size === 0) return;
    const targets = [...subs];
    setImmediate(() => {
      for (const sub of targets) {
        if (!subs.has(sub)) continue;
        try {
          sub.handler(message);
        } catch (err) {
          this.#onHandlerError(err, channel);
        }
      }
    });
  }

  /** Each call is its own subscription, even with the same handler; its unsubscribe is idempotent. */
  async subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    this.#checkOpen();
    let subs = this.#channels.get(channel);
    if (!subs) {
      subs = new Set();
      this.#channels.set(channel, subs);
    }
    const set = subs;
    const sub: Subscription = { handler };
    set.add(sub);
    return async () => {
      set.delete(sub);
      if (set.size === 0 && this.#channels.get(channel) === set) this.#channels.delete(channel);
    };
  }

  async ping(): Promise<void> {
    this.#checkOpen();
  }

  /**
   * Drops every lock, key and subscription; pending `waitUnlocked` calls and every later call
   * reject with AAPI_ERR_SHUTTING_DOWN. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const waiters = [...this.#waiters.values()].flatMap((set) => [...set]);
    for (const w of waiters) w.reject(shuttingDown());
    this.#locks.clear();
    this.#ttl.clear();
    // Emptying the sets (not only the map) also cancels deliveries already scheduled.
    for (const subs of this.#channels.values()) subs.clear();
    this.#channels.clear();
  }

  #wake(key: string): void {
    const waiters = this.#waiters.get(key);
    if (!waiters) return;
    for (const w of [...waiters]) w.resolve();
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, item] of this.#ttl) {
      if (now >= item.expiresAt) this.#ttl.delete(key);
    }
    this.#sweepAt = Math.max(MIN_SWEEP, this.#ttl.size * 2);
  }

  #checkOpen(): void {
    if (this.#closed) throw shuttingDown();
  }
}

function checkTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new AapiError('AAPI_ERR_INTERNAL', `ttlMs must be a positive integer, got ${ttlMs}`);
  }
}

function shuttingDown(): AapiError {
  return new AapiError('AAPI_ERR_SHUTTING_DOWN', 'coordinator closed');
}

function defaultHandlerError(err: unknown, channel: string): void {
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.emitWarning(`subscriber of channel ${JSON.stringify(channel)} threw: ${detail}`, 'ArtifactApiWarning');
}
