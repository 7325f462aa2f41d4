import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run atomically by Redis. Sent by digest (EVALSHA) so the body crosses the wire
 * only the first time a server sees it (and again after a restart flushed its script cache).
 */
export class RedisScript {
  readonly #sha: string;

  constructor(readonly lua: string) {
    this.#sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error | undefined)?.message).startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}
