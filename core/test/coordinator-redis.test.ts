import { spawn } from 'node:child_process';
import { once } from 'node:events';
import test from 'ava';
import { RedisCoordinator } from '../src/coord/index.js';
import { coordinatorConformance } from './conformance/coordinator-conformance.js';
import { eventually } from './conformance/declare-test.js';
import { freePort, redisCoordinatorFixture, startPrivateRedis, testPrefix } from './helpers/redis-fixture.js';
import { redisProbe, serviceGate, testRedisUrl } from './helpers/services.js';

const url = testRedisUrl();
const redis = await serviceGate(`Redis at ${url}`, redisProbe(url));

// Each test has its own key prefix, so they may run concurrently on the shared server.
coordinatorConformance(redis.test, 'redis', () => redisCoordinatorFixture(url));

/** Settles like `promise`, or rejects after `ms` so a missed wake-up fails clearly instead of hanging. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

redis.test('redis coordinator: a held lock is renewed past its ttl', async (t) => {
  const f = await redisCoordinatorFixture(url);
  try {
    const peer = await f.connect();
    // A ttl long enough that a loaded machine's event-loop stalls cannot outlast it.
    const held = await f.coordinator.tryLock('k', 1500);
    if (!held) return t.fail('a free key must lock');
    await sleep(4000);
    t.false(held.lost.aborted, String(held.lost.reason));
    t.is(await peer.tryLock('k', 1500), undefined, 'still held');
    t.true((await f.admin.pttl(`${f.prefix}lock:k`)) > 0);
    await held.release();
    t.is(await f.admin.exists(`${f.prefix}lock:k`), 0, 'release deletes the key');
    const next = await peer.tryLock('k', 1500);
    t.truthy(next);
    await next?.release();
  } finally {
    await f.cleanup();
  }
});

redis.test('redis coordinator: lost fires when the key is taken from under the holder', async (t) => {
  const f = await redisCoordinatorFixture(url);
  try {
    const peer = await f.connect();
    const held = await f.coordinator.tryLock('k', 1500);
    if (!held) return t.fail('a free key must lock');
    const lost = once(held.lost, 'abort');
    await f.admin.del(`${f.prefix}lock:k`);
    const thief = await peer.tryLock('k', 60_000);
    t.truthy(thief, 'the key was free for the taking');
    await within(lost, 10_000, 'lost');
    t.regex(String((held.lost.reason as Error).message), /taken by another holder/);
    await held.release();
    t.is(await f.coordinator.tryLock('k', 1500), undefined, "the old holder's release left the new holder's lock alone");
    await thief?.release();
  } finally {
    await f.cleanup();
  }
});

redis.test('redis coordinator: release wakes a waiter in another replica over pub/sub, not on expiry', async (t) => {
  const f = await redisCoordinatorFixture(url);
  try {
    const peer = await f.connect();
    for (let round = 0; round < 20; round++) {
      // A 60 s ttl: only the unlock message can wake the waiter before the guard below gives up.
      const held = await f.coordinator.tryLock('k', 60_000);
      if (!held) return t.fail('a free key must lock');
      // Released while the wait is still subscribing: the lost-wakeup race.
      await Promise.all([within(peer.waitUnlocked('k'), 10_000, `round ${round}`), held.release()]);
    }
    t.pass();
  } finally {
    await f.cleanup();
  }
});

redis.test('redis coordinator: a leader that is killed is taken over once its lock expires', async (t) => {
  const f = await redisCoordinatorFixture(url);
  const holder = spawn(process.execPath, [new URL('./helpers/redis-lock-holder.js', import.meta.url).pathname, url, f.prefix, 'fetch:big', '1000'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [line] = (await within(once(holder.stdout, 'data'), 20_000, 'holder start')) as [Buffer];
    t.is(line.toString().trim(), 'locked');
    await sleep(2500); // past two ttls: the holder renews while alive
    t.is(await f.coordinator.tryLock('fetch:big', 1000), undefined, 'the live holder keeps its lock');
    const waiting = f.coordinator.waitUnlocked('fetch:big');
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    await within(waiting, 15_000, 'takeover');
    const mine = await f.coordinator.tryLock('fetch:big', 1000);
    t.truthy(mine, 'the lock of the dead leader can be taken');
    await mine?.release();
  } finally {
    holder.kill('SIGKILL');
    await f.cleanup();
  }
});

redis.test('redis coordinator: a holder cut off from Redis loses its lock and a peer takes over', async (t) => {
  const f = await redisCoordinatorFixture(url);
  try {
    const peer = await f.connect();
    const held = await f.coordinator.tryLock('k', 500);
    if (!held) return t.fail('a free key must lock');
    const waiting = peer.waitUnlocked('k');
    f.coordinator.client.disconnect(); // no reconnect: renewals fail from now on
    await within(once(held.lost, 'abort'), 10_000, 'lost');
    t.regex(String((held.lost.reason as Error).message), /could not renew/);
    await within(waiting, 10_000, 'waiter wakes on expiry');
    const next = await peer.tryLock('k', 500);
    t.truthy(next);
    await next?.release();
  } finally {
    await f.cleanup();
  }
});

redis.test('redis coordinator: subscriptions of one process share one Redis subscription', async (t) => {
  const f = await redisCoordinatorFixture(url);
  try {
    const channel = `${f.prefix}chan:ch`;
    const numsub = async (): Promise<number> => Number(((await f.admin.pubsub('NUMSUB', channel)) as [string, number])[1]);
    const one = await f.coordinator.subscribe('ch', () => undefined);
    const two = await f.coordinator.subscribe('ch', () => undefined);
    t.is(await numsub(), 1);
    await one();
    t.is(await numsub(), 1, 'one handler left');
    await two();
    t.is(await numsub(), 0, 'UNSUBSCRIBE once none is left');
    // Leaving and coming back at once must not end unsubscribed under a live handler.
    const got: string[] = [];
    const three = await f.coordinator.subscribe('ch', () => undefined);
    const [, four] = await Promise.all([three(), f.coordinator.subscribe('ch', (m) => got.push(m))]);
    await f.coordinator.publish('ch', 'still here');
    t.true(await eventually(async () => got.length === 1));
    await four();
  } finally {
    await f.cleanup();
  }
});

redis.test('redis coordinator: close releases held locks and rejects pending waits', async (t) => {
  const f = await redisCoordinatorFixture(url);
  try {
    const peer = await f.connect();
    const other = await f.connect();
    await peer.tryLock('mine', 60_000);
    const theirs = await other.tryLock('theirs', 60_000);
    const waiting = peer.waitUnlocked('theirs');
    await peer.close();
    t.is((await t.throwsAsync(waiting))?.message, 'Server is shutting down: coordinator closed');
    t.truthy(await f.coordinator.tryLock('mine', 60_000), 'released by close, not left to expire');
    const err = await t.throwsAsync(peer.tryLock('x', 10));
    t.is((err as { code?: string }).code, 'AAPI_ERR_SHUTTING_DOWN');
    await theirs?.release();
  } finally {
    await f.cleanup();
  }
});

// No service needed: nothing listens there on purpose.
test('redis coordinator: with nothing listening every call rejects quickly', async (t) => {
  const port = await freePort();
  const warnings: string[] = [];
  const log = { warn: (_: object, msg?: string) => warnings.push(msg ?? ''), info: () => undefined };
  const options = { url: `redis://127.0.0.1:${port}`, keyPrefix: testPrefix(), log };
  await t.throwsAsync(RedisCoordinator.connect(options), { message: /unreachable/ });
  const c = new RedisCoordinator(options);
  try {
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['tryLock', () => c.tryLock('k', 1000)],
      ['waitUnlocked', () => c.waitUnlocked('k')],
      ['setTtl', () => c.setTtl('k', 'v', 1000)],
      ['getTtl', () => c.getTtl('k')],
      ['deleteTtl', () => c.deleteTtl('k')],
      ['publish', () => c.publish('ch', 'm')],
      ['subscribe', () => c.subscribe('ch', () => undefined)],
      ['ping', () => c.ping()],
    ];
    for (const [name, call] of calls) {
      const started = Date.now();
      const err = await t.throwsAsync(within(call(), 10_000, name), undefined, name);
      t.regex(err?.message ?? '', new RegExp(`127\\.0\\.0\\.1:${port}`), `${name} names the Redis it could not reach`);
      t.true(Date.now() - started < 2000, `${name} failed fast`);
    }
    t.true(warnings.length >= 1, 'the outage was logged');
  } finally {
    await c.close();
  }
});

redis.test('redis coordinator: works again, subscriptions included, when Redis comes back', async (t) => {
  const server = await startPrivateRedis();
  const options = { url: server.url, keyPrefix: testPrefix(), log: { warn: () => undefined, info: () => undefined } };
  const a = await RedisCoordinator.connect(options);
  const b = await RedisCoordinator.connect(options);
  try {
    const got: string[] = [];
    let gaps = 0;
    await a.subscribe('invalidate', (m) => got.push(m), () => gaps++);
    await b.publish('invalidate', 'before');
    t.true(await eventually(async () => got.length === 1, 5_000), 'delivered before the outage');
    t.is(gaps, 0, 'no gap without an interruption');
    got.length = 0;
    await server.stop();
    await t.throwsAsync(b.setTtl('k', 'v', 60_000));
    await t.throwsAsync(a.ping());
    await server.start();
    t.true(await eventually(() => b.setTtl('k', 'v', 60_000).then(() => true, () => false), 20_000), 'commands work again');
    t.true(await eventually(() => a.ping().then(() => true, () => false), 20_000), 'ping recovers');
    // The subscription is restored by the reconnect; keep publishing until one gets through.
    t.true(
      await eventually(async () => {
        await b.publish('invalidate', 'npmjs/lodash');
        return got.length > 0;
      }, 20_000, 100),
      'the subscription survived the outage',
    );
    t.is(got[0], 'npmjs/lodash');
    t.is(gaps, 1, 'the subscriber is told once that messages may have been missed');
  } finally {
    await Promise.all([a.close(), b.close()]);
    await server.dispose();
  }
});
