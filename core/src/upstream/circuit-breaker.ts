import { AapiError } from '../errors.js';
import { MemoryBreakerStore, type BreakerRecord, type BreakerStore } from './breaker-store.js';

/** The classic three states: requests flow, fail fast, or one trial request probes the upstream. */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker; 0 or less turns the breaker off. */
  failures: number;
  /** Seconds the breaker stays open before a trial request. */
  cooldown: number;
  /** Clock in ms; injectable so tests can move past the cooldown without sleeping. */
  now?: () => number;
  store?: BreakerStore;
}

/**
 * How long the store's word that an upstream's breaker is closed with no failures is taken
 * without asking again: a shared store (Redis) costs each cold miss a round trip otherwise. Another
 * replica's opening is seen this much later at most; failures this process sees itself count at once.
 */
const CLOSED_TRUSTED_MS = 1000;

/** One admitted request; settle it exactly once with its outcome. Later calls are ignored. */
export interface BreakerTicket {
  readonly trial: boolean;
  succeed(): Promise<void>;
  fail(): Promise<void>;
  /** No verdict (the caller gave up): frees a trial slot without counting anything. */
  release(): Promise<void>;
}

/**
 * A circuit breaker per key (the upstream origin). State lives in a BreakerStore so that a shared
 * store can later replace the in-memory one; this class only applies the thresholds and keeps
 * the last record it saw for `state()`, which must answer synchronously.
 */
export class CircuitBreaker {
  private readonly store: BreakerStore;
  private readonly now: () => number;
  private readonly cooldownMs: number;
  private readonly seen = new Map<string, BreakerRecord>();
  /** When the store last left a key closed with no failures (acquire or success). */
  private readonly closedAt = new Map<string, number>();

  constructor(private readonly options: CircuitBreakerOptions) {
    this.store = options.store ?? new MemoryBreakerStore();
    this.now = options.now ?? Date.now;
    this.cooldownMs = Math.max(0, options.cooldown) * 1000;
  }

  /** Admits a request to `key`, or throws AAPI_ERR_UPSTREAM_BREAKER_OPEN without touching the network. */
  async admit(key: string): Promise<BreakerTicket> {
    if (this.options.failures <= 0) return NO_OP_TICKET;
    const now = this.now();
    const closedAt = this.closedAt.get(key);
    if (closedAt !== undefined && now - closedAt < CLOSED_TRUSTED_MS && !this.seen.has(key)) return this.ticket(key, false);
    const { admission, record } = await this.store.acquire(key, now, this.cooldownMs);
    this.remember(key, record);
    if (record === undefined) this.closedAt.set(key, now);
    if (admission === 'reject') {
      const left = record?.openedAt === undefined ? this.cooldownMs : record.openedAt + this.cooldownMs - now;
      const retryAfter = String(Math.max(1, Math.ceil(left / 1000)));
      throw new AapiError('AAPI_ERR_UPSTREAM_BREAKER_OPEN', `${key} (retry in ${retryAfter}s)`, {
        headers: { 'retry-after': retryAfter },
      });
    }
    return this.ticket(key, admission === 'trial');
  }

  /** Counts a failure seen outside `admit` (e.g. a body cut off after the headers arrived). */
  async reportFailure(key: string): Promise<void> {
    if (this.options.failures <= 0) return;
    this.remember(key, await this.store.failure(key, this.now(), this.options.failures, false));
  }

  /** The state as last seen by this process. */
  state(key: string): BreakerState {
    const record = this.seen.get(key);
    if (record?.openedAt === undefined) return 'closed';
    return this.now() - record.openedAt < this.cooldownMs ? 'open' : 'half-open';
  }

  private ticket(key: string, trial: boolean): BreakerTicket {
    let settled = false;
    const settle = async (step: () => Promise<BreakerRecord | undefined>): Promise<void> => {
      if (settled) return;
      settled = true;
      this.remember(key, await step());
    };
    return {
      trial,
      succeed: () =>
        settle(async () => {
          const record = await this.store.success(key);
          if (record === undefined) this.closedAt.set(key, this.now());
          return record;
        }),
      fail: () => settle(() => this.store.failure(key, this.now(), this.options.failures, trial)),
      release: () => settle(() => (trial ? this.store.releaseTrial(key) : Promise.resolve(this.seen.get(key)))),
    };
  }

  private remember(key: string, record: BreakerRecord | undefined): void {
    if (record) {
      this.seen.set(key, record);
      this.closedAt.delete(key);
    } else {
      this.seen.delete(key);
    }
  }
}

const NO_OP_TICKET: BreakerTicket = {
  trial: false,
  succeed: async () => undefined,
  fail: async () => undefined,
  release: async () => undefined,
};
