import { Redis } from 'ioredis';

/** The logger the Redis backends report outages to (pino and the SDK's PluginLogger fit). */
export interface RedisLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/** Options of {@link RedisLink}. */
export interface RedisLinkOptions {
  url: string;
  /** Names the connection in logs and in Redis' CLIENT LIST. */
  role: string;
  connectTimeoutMs: number;
  /** Rejects a command that has no reply after this long (a half-dead socket). Off when undefined. */
  commandTimeoutMs?: number;
  /** Longest pause between reconnection attempts. */
  maxRetryDelayMs: number;
  log: RedisLogger;
}

/**
 * One ioredis connection set up to fail fast: while Redis is unreachable every command rejects at
 * once (no offline queue) instead of piling up behind a reconnect, and ioredis keeps reconnecting
 * in the background with a capped backoff, so the caller works again as soon as Redis is back.
 * Outages are logged once when they start and once when they end, not on every retry.
 */
export class RedisLink {
  readonly redis: Redis;
  /** The URL with any password masked, for messages. */
  readonly where: string;
  readonly #options: RedisLinkOptions;
  /** The first connection attempt has ended (ready or failed): from then on calls never wait. */
  #settled = false;
  #down = false;
  #lastError: Error | undefined;

  constructor(options: RedisLinkOptions) {
    this.#options = options;
    this.where = redactUrl(options.url);
    this.redis = new Redis(options.url, {
      connectionName: `artifactapi-${options.role}`,
      connectTimeout: options.connectTimeoutMs,
      commandTimeout: options.commandTimeoutMs,
      // ioredis waits this long for a socket that already died to close again: keep exit prompt.
      disconnectTimeout: 500,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      autoResubscribe: true,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), options.maxRetryDelayMs),
    });
    this.redis.on('ready', () => {
      this.#settled = true;
      if (this.#down) options.log.info({ redis: this.where, connection: options.role }, 'Redis connection restored');
      this.#down = false;
    });
    // Without a listener ioredis prints every retry's error to the console.
    this.redis.on('error', (err: Error) => {
      this.#settled = true;
      this.#lastError = err;
      if (this.#down) return;
      this.#down = true;
      options.log.warn({ err, redis: this.where, connection: options.role }, 'Redis unreachable; retrying in the background');
    });
  }

  get ready(): boolean {
    return this.redis.status === 'ready';
  }

  /**
   * Runs `command` on the connection. Right after construction it waits for the first connection
   * attempt (bounded by the connect timeout) so a fresh instance is usable at once; afterwards it
   * never waits. Failures are rethrown with the Redis address in the message.
   */
  async run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    if (!this.#settled && this.redis.status !== 'end') await this.#firstAttempt();
    if (!this.ready) throw this.#unreachable();
    try {
      return await command(this.redis);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`Redis at ${this.where} (${this.#options.role}): ${message}`, { cause: err });
    }
  }

  /** Resolves when the connection is ready; rejects when the first attempt fails or times out. */
  async connected(): Promise<void> {
    if (!this.#settled) await this.#firstAttempt();
    if (!this.ready) throw this.#unreachable();
  }

  #unreachable(): Error {
    const { role } = this.#options;
    if (this.redis.status === 'end') return new Error(`Redis at ${this.where} (${role}): connection closed`);
    const last = this.#lastError ? `: ${this.#lastError.message}` : '';
    return new Error(`Redis at ${this.where} (${role}) is unreachable, retrying in the background${last}`, { cause: this.#lastError });
  }

  /** Closes politely when connected, else drops the socket; stops reconnecting either way. */
  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    if (this.ready) {
      try {
        await this.redis.quit();
        return;
      } catch {
        // fall through: the connection died while quitting
      }
    }
    this.redis.disconnect();
  }

  #firstAttempt(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.#settled = true;
        clearTimeout(timer);
        this.redis.off('ready', done);
        this.redis.off('error', done);
        this.redis.off('end', done);
        resolve();
      };
      // Slightly past the connect timeout, by which ioredis has given up on the socket.
      const timer = setTimeout(done, this.#options.connectTimeoutMs + 100);
      this.redis.once('ready', done);
      this.redis.once('error', done);
      this.redis.once('end', done);
    });
  }
}

/** `redis://user:secret@host:6379/0` → `redis://user:***@host:6379/0`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid Redis URL)';
  }
}
