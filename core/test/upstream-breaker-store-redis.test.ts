import test from 'ava';
import { Redis } from 'ioredis';
import { RedisCoordinator } from '../src/coord/index.js';
import { CircuitBreaker, RedisBreakerStore } from '../src/upstream/index.js';
import { breakerStoreConformance } from './conformance/breaker-store-conformance.js';
import { deleteKeys, freePort, testPrefix } from './helpers/redis-fixture.js';
import { redisProbe, serviceGate, testRedisUrl } from './helpers/services.js';

const url = testRedisUrl();
const redis = await serviceGate(`Redis at ${url}`, redisProbe(url));

/** Stores of one deployment (one prefix), each on its own connection as replicas would be. */
async function replicas(n: number): Promise<{ stores: RedisBreakerStore[]; cleanup(): Promise<void> }> {
  const keyPrefix = testPrefix();
  const clients = Array.from({ length: n }, () => new Redis(url));
  return {
    stores: clients.map((client) => new RedisBreakerStore({ client, keyPrefix })),
    cleanup: async () => {
      const [first] = clients;
      if (first) await deleteKeys(first, keyPrefix);
      await Promise.all(clients.map((c) => c.quit()));
    },
  };
}

/** CircuitBreakers of `count` replicas on one Redis deployment, on one clock the test moves by hand. */
async function breakersOnReplicas(count: number): Promise<{ breakers: CircuitBreaker[]; stores: RedisBreakerStore[]; clock: { now: number }; cleanup(): Promise<void> }> {
  const { stores, cleanup } = await replicas(count);
  const clock = { now: 0 };
  const breakers = stores.map((store) => new CircuitBreaker({ failures: 2, cooldown: 30, store, now: () => clock.now }));
  return { breakers, stores, clock, cleanup };
}

breakerStoreConformance(redis.test, 'redis', async () => {
  const { stores, cleanup } = await replicas(1);
  return { store: stores[0] as RedisBreakerStore, cleanup };
});

redis.test('redis: replicas share one breaker per origin', async (t) => {
  const { stores, cleanup } = await replicas(2);
  const [a, b] = stores as [RedisBreakerStore, RedisBreakerStore];
  try {
    await a.failure('https://registry.npmjs.org', 0, 2, false);
    await b.failure('https://registry.npmjs.org', 1, 2, false);
    t.is((await a.acquire('https://registry.npmjs.org', 2, 1000)).admission, 'reject', 'two failures seen by two replicas open it');
    t.is((await b.acquire('https://registry.npmjs.org', 2, 1000)).admission, 'reject');
    t.is((await b.acquire('https://pypi.org', 2, 1000)).admission, 'pass', 'other origins are unaffected');
    // After the cooldown, many concurrent callers across both replicas get exactly one trial.
    const admissions = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).acquire('https://registry.npmjs.org', 1001, 1000)),
    );
    t.is(admissions.filter((x) => x.admission === 'trial').length, 1);
    await a.success('https://registry.npmjs.org');
    t.is((await b.acquire('https://registry.npmjs.org', 1002, 1000)).admission, 'pass', 'one success closes it everywhere');
  } finally {
    await cleanup();
  }
});

redis.test('redis: a CircuitBreaker on one replica fails fast once another opened the breaker', async (t) => {
  const { breakers, cleanup } = await breakersOnReplicas(2);
  const [first, second] = breakers as [CircuitBreaker, CircuitBreaker];
  try {
    for (let i = 0; i < 2; i++) await (await first.admit('origin')).fail();
    t.is(first.state('origin'), 'open');
    const err = await t.throwsAsync(second.admit('origin'));
    t.is((err as { code?: string }).code, 'AAPI_ERR_UPSTREAM_BREAKER_OPEN');
    t.is(second.state('origin'), 'open', 'the replica learnt it from Redis');
  } finally {
    await cleanup();
  }
});

redis.test('redis: a replica trusts a closed breaker for a second before it asks Redis again, and not at all once it saw a failure', async (t) => {
  const { breakers, stores, clock, cleanup } = await breakersOnReplicas(2);
  const [first, second] = breakers as [CircuitBreaker, CircuitBreaker];
  try {
    await (await second.admit('origin')).succeed();
    for (let i = 0; i < 2; i++) await (await first.admit('origin')).fail();
    t.is(first.state('origin'), 'open');
    // Within a second of Redis saying closed, the other replica does not ask again: at most this stale.
    clock.now = 999;
    const stale = await second.admit('origin');
    t.false(stale.trial);
    // Its own request failing counts at once, and from then on it asks Redis every time.
    await stale.fail();
    await t.throwsAsync(second.admit('origin'), { message: /retry in/ });
    t.is(second.state('origin'), 'open');

    // A replica whose trust has run out asks Redis, and learns of the opening there.
    const third = new CircuitBreaker({ failures: 2, cooldown: 30, store: stores[1]!, now: () => clock.now });
    await (await third.admit('pypi')).succeed();
    await (await first.admit('pypi')).fail();
    await (await first.admit('pypi')).fail();
    clock.now = 2000;
    const err = await t.throwsAsync(third.admit('pypi'));
    t.is((err as { code?: string }).code, 'AAPI_ERR_UPSTREAM_BREAKER_OPEN');
  } finally {
    await cleanup();
  }
});

// No service needed: nothing listens there on purpose.
test('redis: with Redis unreachable the store falls back to this process instead of failing requests', async (t) => {
  const port = await freePort();
  const warnings: string[] = [];
  const log = { warn: (_: object, msg?: string) => warnings.push(msg ?? ''), info: () => undefined };
  // The coordinator's connection fails fast, which is what the fallback relies on.
  const coordinator = new RedisCoordinator({ url: `redis://127.0.0.1:${port}`, log: { warn: () => undefined, info: () => undefined } });
  try {
    const store = new RedisBreakerStore({ client: coordinator.client, keyPrefix: testPrefix(), log });
    t.is((await store.acquire('o', 0, 1000)).admission, 'pass');
    await store.failure('o', 0, 1, false);
    t.is((await store.acquire('o', 10, 1000)).admission, 'reject', 'local state still works');
    t.is(warnings.length, 1, 'warned once, not on every call');
  } finally {
    await coordinator.close();
  }
});
