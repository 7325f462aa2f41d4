import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AapiError } from '../errors.js';
import type { Coordinator, HeldLock } from './coordinator.js';
import { RedisChannels } from './redis-channels.js';
import { RedisLink, type RedisLogger } from './redis-link.js';
import { RedisHeldLock } from './redis-lock.js';
import { waitForUnlock } from './redis-unlock-wait.js';

/** Options of {@link RedisCoordinator}. */
export interface RedisCoordinatorOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` for TLS. */
  url: string;
  /**
   * Prepended to every key and channel, so several deployments (or test runs) can share one
   * Redis. Replicas of one deployment must use the same prefix. Default `aapi:`.
   */
  keyPrefix?: string;
  /** How long a connection attempt may take. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** A command with no reply after this long rejects. Default 3000 ms. */
  commandTimeoutMs?: number;
  /** Longest pause between reconnection attempts while Redis is down. Default 2000 ms. */
  maxRetryDelayMs?: number;
  /** Where outages and recoveries are reported. Default: process warnings (recoveries unreported). */
  log?: RedisLogger;
  /**
   * Receives what a subscriber's handler throws, so one faulty handler neither crashes the
   * process nor keeps the message from the others. Default: a process warning.
   */
  onHandlerError?: (err: unknown, channel: string) => void;
}

/**
 * Coordination through Redis, shared by every replica that uses the same Redis and key prefix.
 *
 * Two connections: one for commands and one dedicated to subscriptions (a subscribed connection
 * can run nothing else). Keys: `<prefix>lock:<key>` holds the token of a lock's owner,
 * `<prefix>ttl:<key>` the TTL keys; channels: `<prefix>chan:<channel>` for publish/subscribe and
 * `<prefix>unlock:<key>`, where a release wakes the waiters of every replica.
 *
 * While Redis is unreachable every call rejects at once with an Error naming the Redis address
 * (callers fall back to per-process behaviour); both connections keep reconnecting in the
 * background, subscriptions are restored, and calls work again as soon as Redis is back.
 */
export class RedisCoordinator implements Coordinator {
  readonly kind = 'redis';
  readonly keyPrefix: string;
  readonly #commands: RedisLink;
  readonly #subscriber: RedisLink;
  readonly #channels: RedisChannels;
  readonly #onHandlerError: (err: unknown, channel: string) => void;
  readonly #held = new Set<RedisHeldLock>();
  /** Aborted by close(): pending waits reject with its reason. */
  readonly #closing = new AbortController();

  /**
   * Connects in the background and never throws for an unreachable Redis: calls made before the
   * first connection attempt has ended wait for it, later ones fail fast until Redis answers.
   */
  constructor(options: RedisCoordinatorOptions) {
    this.keyPrefix = options.keyPrefix ?? 'aapi:';
    const log = options.log ?? warningLogger;
    const common = {
      url: options.url,
      connectTimeoutMs: options.connectTimeoutMs ?? 2000,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 2000,
      log,
    };
    this.#commands = new RedisLink({ ...common, role: 'commands', commandTimeoutMs: options.commandTimeoutMs ?? 3000 });
    this.#subscriber = new RedisLink({ ...common, role: 'subscriber' });
    this.#channels = new RedisChannels(this.#subscriber);
    this.#onHandlerError = options.onHandlerError ?? defaultHandlerError;
  }

  /** Like the constructor, but resolves only once both connections are up; rejects (and closes) otherwise. */
  static async connect(options: RedisCoordinatorOptions): Promise<RedisCoordinator> {
    const coordinator = new RedisCoordinator(options);
    try {
      await Promise.all([coordinator.#commands.connected(), coordinator.#subscriber.connected()]);
    } catch (err) {
      await coordinator.close();
      throw err;
    }
    return coordinator;
  }

  /**
   * The command connection, for other Redis-backed parts (e.g. RedisBreakerStore) to share
   * rather than open their own. It belongs to this coordinator: do not close it.
   */
  get client(): Redis {
    return this.#commands.redis;
  }

  async tryLock(key: string, ttlMs: number): Promise<HeldLock | undefined> {
    this.#checkOpen();
    checkTtl(ttlMs);
    const token = randomUUID();
    const redisKey = this.#lockKey(key);
    const takenAt = Date.now();
    const reply = await this.#commands.run((redis) => redis.set(redisKey, token, 'PX', ttlMs, 'NX'));
    if (reply !== 'OK') return undefined;
    if (this.#closing.signal.aborted) {
      // close() ran while the SET was in flight and could not release what it did not know of.
      await this.#commands.run((redis) => redis.del(redisKey)).catch(() => undefined);
      throw shuttingDown();
    }
    const lock = new RedisHeldLock(this.#commands, {
      key,
      redisKey,
      unlockChannel: this.#unlockChannel(key),
      token,
      ttlMs,
      takenAt,
      onEnd: (ended) => this.#held.delete(ended),
    });
    this.#held.add(lock);
    return lock;
  }

  /**
   * Resolves on the release that frees `key` (announced over pub/sub to every replica) or, for a
   * holder that died, once its key has expired. Rejects with `signal.reason` on abort, and with
   * an Error when Redis cannot be asked.
   */
  waitUnlocked(key: string, signal?: AbortSignal): Promise<void> {
    return waitForUnlock({
      link: this.#commands,
      channels: this.#channels,
      redisKey: this.#lockKey(key),
      unlockChannel: this.#unlockChannel(key),
      signal,
      closing: this.#closing.signal,
    });
  }

  async setTtl(key: string, value: string, ttlMs: number): Promise<void> {
    this.#checkOpen();
    checkTtl(ttlMs);
    const redisKey = `${this.keyPrefix}ttl:${key}`;
    await this.#commands.run((redis) => redis.set(redisKey, value, 'PX', ttlMs));
  }

  async getTtl(key: string): Promise<string | undefined> {
    this.#checkOpen();
    const redisKey = `${this.keyPrefix}ttl:${key}`;
    return (await this.#commands.run((redis) => redis.get(redisKey))) ?? undefined;
  }

  async deleteTtl(key: string): Promise<void> {
    this.#checkOpen();
    const redisKey = `${this.keyPrefix}ttl:${key}`;
    await this.#commands.run((redis) => redis.del(redisKey));
  }

  async publish(channel: string, message: string): Promise<void> {
    this.#checkOpen();
    const redisChannel = this.#channel(channel);
    await this.#commands.run((redis) => redis.publish(redisChannel, message));
  }

  /**
   * Every call is its own subscription, even with the same handler; all of this process's
   * subscriptions to a channel share one Redis subscription. Rejects when Redis is unreachable.
   * The returned unsubscribe is idempotent and never rejects.
   */
  async subscribe(channel: string, handler: (message: string) => void, onGap?: () => void): Promise<() => Promise<void>> {
    this.#checkOpen();
    const guarded = (call: () => void): void => {
      try {
        call();
      } catch (err) {
        this.#onHandlerError(err, channel);
      }
    };
    return this.#channels.listen(
      this.#channel(channel),
      (message) => guarded(() => handler(message)),
      onGap && (() => guarded(onGap)),
    );
  }

  /** Resolves when both connections are up; rejects while either is down. */
  async ping(): Promise<void> {
    this.#checkOpen();
    await this.#commands.run((redis) => redis.ping());
    await this.#subscriber.connected();
  }

  /**
   * Releases the locks this instance holds (best effort: an unreachable Redis lets them expire),
   * rejects pending waits and every later call with AAPI_ERR_SHUTTING_DOWN, and closes both
   * connections. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort(shuttingDown());
    await Promise.allSettled([...this.#held].map((lock) => lock.release()));
    for (const lock of this.#held) lock.abandon();
    this.#channels.clear();
    await Promise.all([this.#commands.close(), this.#subscriber.close()]);
  }

  #lockKey(key: string): string {
    return `${this.keyPrefix}lock:${key}`;
  }

  #unlockChannel(key: string): string {
    return `${this.keyPrefix}unlock:${key}`;
  }

  #channel(channel: string): string {
    return `${this.keyPrefix}chan:${channel}`;
  }

  #checkOpen(): void {
    if (this.#closing.signal.aborted) throw shuttingDown();
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

const warningLogger: RedisLogger = {
  warn(obj, msg) {
    const err = (obj as { err?: unknown }).err;
    const detail = err instanceof Error ? `: ${err.message}` : '';
    process.emitWarning(`${msg ?? 'Redis'}${detail}`, 'ArtifactApiWarning');
  },
  info() {},
};

function defaultHandlerError(err: unknown, channel: string): void {
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.emitWarning(`subscriber of channel ${JSON.stringify(channel)} threw: ${detail}`, 'ArtifactApiWarning');
}
