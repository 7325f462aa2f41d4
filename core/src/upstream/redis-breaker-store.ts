import type { Redis } from 'ioredis';
import type { RedisLogger } from '../coord/redis-link.js';
import { RedisScript } from '../coord/redis-script.js';
import { MemoryBreakerStore, type Admission, type BreakerRecord, type BreakerStore } from './breaker-store.js';

// Each script answers { failures, openedAt, trialAt } with '' for an absent field, or nothing
// at all when there is no record; acquire puts its admission in front.

const ACQUIRE = new RedisScript(`
local r = redis.call('HMGET', KEYS[1], 'failures', 'openedAt', 'trialAt')
if not r[1] then return {'pass'} end
local record = {r[1], r[2] or '', r[3] or ''}
if not r[2] then return {'pass', record[1], record[2], record[3]} end
local now, cooldown = tonumber(ARGV[1]), tonumber(ARGV[2])
local cooled = now - tonumber(r[2]) >= cooldown
local trialLive = r[3] and now - tonumber(r[3]) < cooldown
if (not cooled) or trialLive then return {'reject', record[1], record[2], record[3]} end
redis.call('HSET', KEYS[1], 'trialAt', ARGV[1])
return {'trial', record[1], record[2], ARGV[1]}`);

const FAILURE = new RedisScript(`
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local opened = redis.call('HGET', KEYS[1], 'openedAt')
if ARGV[3] == '1' or ((not opened) and failures >= tonumber(ARGV[2])) then
  redis.call('HSET', KEYS[1], 'openedAt', ARGV[1])
  redis.call('HDEL', KEYS[1], 'trialAt')
end
local r = redis.call('HMGET', KEYS[1], 'failures', 'openedAt', 'trialAt')
return {r[1], r[2] or '', r[3] or ''}`);

const RELEASE_TRIAL = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
redis.call('HDEL', KEYS[1], 'trialAt')
local r = redis.call('HMGET', KEYS[1], 'failures', 'openedAt', 'trialAt')
return {r[1], r[2] or '', r[3] or ''}`);

/** Options of {@link RedisBreakerStore}. */
export interface RedisBreakerStoreOptions {
  /**
   * The connection to use, normally `RedisCoordinator.client`: it fails fast while Redis is down,
   * which the fallback below relies on. The store never closes it.
   */
  client: Redis;
  /** Prepended to the keys (`<prefix>breaker:<origin>`); use the coordinator's. Default `aapi:`. */
  keyPrefix?: string;
  /** Told once when Redis fails and the store falls back to this process, and once when it is back. */
  log?: RedisLogger;
}

/**
 * Circuit-breaker state in Redis, one hash per upstream origin, each step one Lua script, so all
 * replicas share one breaker per upstream: a replica that learns an upstream is down spares the
 * others the timeouts, and only one trial request goes out between them. Same semantics as
 * {@link MemoryBreakerStore}.
 *
 * When Redis cannot be reached the store does not fail the request: it falls back to an
 * in-process store until Redis answers again, so an outage of Redis never takes upstreams down.
 */
export class RedisBreakerStore implements BreakerStore {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #log: RedisLogger | undefined;
  readonly #local = new MemoryBreakerStore();
  #degraded = false;

  constructor(options: RedisBreakerStoreOptions) {
    this.#client = options.client;
    this.#prefix = `${options.keyPrefix ?? 'aapi:'}breaker:`;
    this.#log = options.log;
  }

  acquire(key: string, now: number, cooldownMs: number): Promise<{ admission: Admission; record?: BreakerRecord }> {
    return this.#step(
      async () => {
        const [admission, ...fields] = (await ACQUIRE.run(this.#client, [this.#key(key)], [now, cooldownMs])) as string[];
        const record = toRecord(fields);
        return record ? { admission: admission as Admission, record } : { admission: admission as Admission };
      },
      () => this.#local.acquire(key, now, cooldownMs),
    );
  }

  success(key: string): Promise<BreakerRecord | undefined> {
    return this.#step(
      async () => {
        await this.#client.del(this.#key(key));
        return undefined;
      },
      () => this.#local.success(key),
    );
  }

  failure(key: string, now: number, threshold: number, trial: boolean): Promise<BreakerRecord | undefined> {
    return this.#step(
      async () => toRecord((await FAILURE.run(this.#client, [this.#key(key)], [now, threshold, trial ? '1' : '0'])) as string[]),
      () => this.#local.failure(key, now, threshold, trial),
    );
  }

  releaseTrial(key: string): Promise<BreakerRecord | undefined> {
    return this.#step(
      async () => toRecord((await RELEASE_TRIAL.run(this.#client, [this.#key(key)], [])) as string[]),
      () => this.#local.releaseTrial(key),
    );
  }

  #key(origin: string): string {
    return this.#prefix + origin;
  }

  async #step<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await shared();
    } catch (err) {
      if (!this.#degraded) this.#log?.warn({ err }, 'circuit-breaker state unavailable in Redis; each process keeps its own until it returns');
      this.#degraded = true;
      return local();
    }
    if (this.#degraded) this.#log?.info({}, 'circuit-breaker state shared through Redis again');
    this.#degraded = false;
    return result;
  }
}

/** `[failures, openedAt, trialAt]` ('' = absent) → a record; no fields → no record. */
function toRecord(fields: readonly string[]): BreakerRecord | undefined {
  if (fields.length === 0) return undefined;
  const [failures, openedAt, trialAt] = fields;
  const record: BreakerRecord = { failures: Number(failures) };
  if (openedAt) record.openedAt = Number(openedAt);
  if (trialAt) record.trialAt = Number(trialAt);
  return record;
}
