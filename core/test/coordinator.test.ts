import test from 'ava';
import { MemoryCoordinator } from '../src/coord/index.js';
import { coordinatorConformance } from './conformance/coordinator-conformance.js';

coordinatorConformance(test, 'memory', async () => {
  const coordinator = new MemoryCoordinator();
  return {
    coordinator,
    // One process, one coordinator: every "replica" is this instance.
    connect: async () => coordinator,
    cleanup: () => coordinator.close(),
  };
});

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}

test('memory coordinator: a TTL key lives exactly ttlMs on the injected clock', async (t) => {
  const clock = fakeClock();
  const c = new MemoryCoordinator({ now: clock.now });
  await c.setTtl('k', 'v', 500);
  clock.advance(499);
  t.is(await c.getTtl('k'), 'v');
  clock.advance(1);
  t.is(await c.getTtl('k'), undefined);
  await c.close();
});

test('memory coordinator: setting a TTL key again restarts its ttl', async (t) => {
  const clock = fakeClock();
  const c = new MemoryCoordinator({ now: clock.now });
  await c.setTtl('k', 'old', 100);
  clock.advance(90);
  await c.setTtl('k', 'new', 100);
  clock.advance(90);
  t.is(await c.getTtl('k'), 'new');
  clock.advance(10);
  t.is(await c.getTtl('k'), undefined);
  await c.close();
});

test('memory coordinator: a held lock outlives its ttl and is never lost (documented choice)', async (t) => {
  const clock = fakeClock();
  const c = new MemoryCoordinator({ now: clock.now });
  const held = await c.tryLock('k', 100);
  clock.advance(3_600_000);
  t.is(await c.tryLock('k', 100), undefined);
  t.false(held?.lost.aborted);
  await held?.release();
  t.truthy(await c.tryLock('k', 100));
  await c.close();
});

test('memory coordinator: close rejects pending waits and every later call', async (t) => {
  const c = new MemoryCoordinator();
  await c.tryLock('k', 1000);
  const waiting = c.waitUnlocked('k');
  await c.close();
  await c.close();
  t.is((await t.throwsAsync(waiting))?.message, 'Server is shutting down: coordinator closed');
  for (const call of [c.tryLock('x', 10), c.waitUnlocked('x'), c.setTtl('x', 'v', 10), c.getTtl('x'), c.publish('x', 'm'), c.ping()]) {
    const err = await t.throwsAsync(call as Promise<unknown>);
    t.is((err as { code?: string }).code, 'AAPI_ERR_SHUTTING_DOWN');
  }
});

test('memory coordinator: a message published before close is not delivered after it', async (t) => {
  const c = new MemoryCoordinator();
  const got: string[] = [];
  await c.subscribe('ch', (m) => got.push(m));
  await c.publish('ch', 'late');
  await c.close();
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(got, []);
});

test('memory coordinator: a throwing handler is reported and does not stop the others', async (t) => {
  const reported: Array<{ err: unknown; channel: string }> = [];
  const c = new MemoryCoordinator({ onHandlerError: (err, channel) => reported.push({ err, channel }) });
  const boom = new Error('handler bug');
  await c.subscribe('ch', () => {
    throw boom;
  });
  let deliver: (m: string) => void = () => undefined;
  const delivered = new Promise<string>((resolve) => (deliver = resolve));
  await c.subscribe('ch', (m) => deliver(m));
  await c.publish('ch', 'm');
  t.is(await delivered, 'm');
  t.deepEqual(reported, [{ err: boom, channel: 'ch' }]);
  await c.close();
});

test('memory coordinator: ttlMs must be a positive integer', async (t) => {
  const c = new MemoryCoordinator();
  for (const ttl of [0, -1, 1.5, Number.NaN]) {
    await t.throwsAsync(c.tryLock('k', ttl), { message: /ttlMs must be a positive integer/ });
    await t.throwsAsync(c.setTtl('k', 'v', ttl), { message: /ttlMs must be a positive integer/ });
  }
  await c.close();
});
