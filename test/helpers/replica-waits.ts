import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/**
 * Resolves once some replica is waiting for another one's fetch lock on a key of repository
 * `repo`. A waiter listens on the lock's unlock channel (RedisCoordinator's `<prefix>unlock:<key>`),
 * and channels are server-wide, hence the repository name in the pattern.
 */
export async function waitUntilReplicaWaits(redisUrl: string, repo: string, timeoutMs = 20_000): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    const deadline = Date.now() + timeoutMs;
    while ((await redis.pubsub('CHANNELS', `*unlock:*${repo}*`)).length === 0) {
      if (Date.now() > deadline) throw new Error(`no replica waited for the fetch lock of ${repo} within ${timeoutMs} ms`);
      await sleep(20);
    }
  } finally {
    await redis.quit();
  }
}
