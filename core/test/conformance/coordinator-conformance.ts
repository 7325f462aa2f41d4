import type { Coordinator } from '../../src/coord/coordinator.js';
import { declareWith, eventually, settle } from './declare-test.js';
import type { Cleanup, DeclareTest } from './declare-test.js';

/** A fresh coordinator for one test, with nothing locked, set or subscribed. */
export interface CoordinatorFixture extends Cleanup {
  coordinator: Coordinator;
  /**
   * Another handle on the same shared state, as another replica would have. An in-process
   * implementation, where one instance is the whole truth, returns the same instance.
   */
  connect(): Promise<Coordinator>;
}

export type CoordinatorFactory = () => Promise<CoordinatorFixture>;

/** Collects the messages a subscription receives; `next(n)` resolves once `n` have arrived. */
function inbox(): { handler: (message: string) => void; messages: string[]; next(n: number): Promise<string[]> } {
  const messages: string[] = [];
  let wanted: { n: number; resolve: (m: string[]) => void } | undefined;
  return {
    messages,
    handler(message) {
      messages.push(message);
      if (wanted && messages.length >= wanted.n) wanted.resolve([...messages]);
    },
    next(n) {
      if (messages.length >= n) return Promise.resolve([...messages]);
      return new Promise((resolve) => {
        wanted = { n, resolve };
      });
    },
  };
}

/**
 * The contract every {@link Coordinator} honours. Declares its tests with `test`, each on a fresh
 * coordinator from `factory`, titled `<name> coordinator: …`.
 */
export function coordinatorConformance(test: DeclareTest, name: string, factory: CoordinatorFactory): void {
  const it = declareWith(test, `${name} coordinator`, factory);

  it('tryLock is exclusive until release', async (t, fixture) => {
    const c = fixture.coordinator;
    const peer = await fixture.connect();
    const held = await c.tryLock('fetch:npmjs/lodash', 10_000);
    if (!held) return t.fail('a free key must lock');
    t.is(held.key, 'fetch:npmjs/lodash');
    t.false(held.lost.aborted);
    t.is(await c.tryLock('fetch:npmjs/lodash', 10_000), undefined, 'same instance');
    t.is(await peer.tryLock('fetch:npmjs/lodash', 10_000), undefined, 'another replica');
    await held.release();
    const next = await peer.tryLock('fetch:npmjs/lodash', 10_000);
    t.truthy(next, 'a released key locks again');
    await next?.release();
  });

  it('locks on different keys are independent', async (t, { coordinator: c }) => {
    const a = await c.tryLock('a', 10_000);
    const b = await c.tryLock('b', 10_000);
    t.truthy(a);
    t.truthy(b);
    await a?.release();
    t.is(await c.tryLock('b', 10_000), undefined, 'releasing a does not release b');
    await b?.release();
  });

  it("a stale holder's release does not free the next holder's lock", async (t, fixture) => {
    const c = fixture.coordinator;
    const peer = await fixture.connect();
    const first = await c.tryLock('k', 10_000);
    await first?.release();
    const second = await peer.tryLock('k', 10_000);
    t.truthy(second);
    await first?.release(); // late, repeated release by the old holder
    t.is(await c.tryLock('k', 10_000), undefined, 'the second holder still owns the key');
    t.false(second?.lost.aborted);
    await second?.release();
    t.truthy(await c.tryLock('k', 10_000));
  });

  it('waitUnlocked resolves at once for a free key', async (t, { coordinator: c }) => {
    await t.notThrowsAsync(c.waitUnlocked('free'));
    const held = await c.tryLock('other', 10_000);
    await t.notThrowsAsync(c.waitUnlocked('free'), 'another key being locked does not matter');
    await held?.release();
  });

  it('waitUnlocked wakes every waiter on release', async (t, fixture) => {
    const c = fixture.coordinator;
    const peer = await fixture.connect();
    const held = await peer.tryLock('k', 10_000);
    let woken = 0;
    const waits = [c.waitUnlocked('k'), c.waitUnlocked('k'), peer.waitUnlocked('k')].map((p) => p.then(() => woken++));
    await settle();
    t.is(woken, 0, 'nobody wakes while the lock is held');
    await held?.release();
    await Promise.all(waits);
    t.is(woken, 3);
  });

  it("waitUnlocked rejects with the signal's reason when aborted", async (t, { coordinator: c }) => {
    const held = await c.tryLock('k', 10_000);
    const ac = new AbortController();
    const waiting = c.waitUnlocked('k', ac.signal);
    const reason = new Error('client went away');
    ac.abort(reason);
    t.is(await t.throwsAsync(waiting), reason);
    const gone = new AbortController();
    gone.abort(reason);
    t.is(await t.throwsAsync(c.waitUnlocked('k', gone.signal)), reason, 'an already aborted signal');
    t.is(await c.tryLock('k', 10_000), undefined, 'aborting a wait does not touch the lock');
    await held?.release();
  });

  it('TTL keys: set, read, overwrite, delete', async (t, fixture) => {
    const c = fixture.coordinator;
    const peer = await fixture.connect();
    t.is(await c.getTtl('breaker:npmjs'), undefined);
    await c.setTtl('breaker:npmjs', 'open', 60_000);
    t.is(await c.getTtl('breaker:npmjs'), 'open');
    t.is(await peer.getTtl('breaker:npmjs'), 'open', 'visible to another replica');
    await peer.setTtl('breaker:npmjs', 'half-open', 60_000);
    t.is(await c.getTtl('breaker:npmjs'), 'half-open');
    await c.deleteTtl('breaker:npmjs');
    t.is(await peer.getTtl('breaker:npmjs'), undefined);
    await t.notThrowsAsync(c.deleteTtl('breaker:npmjs'), 'deleting a missing key is fine');
  });

  it('TTL keys disappear after their ttl', async (t, { coordinator: c }) => {
    await c.setTtl('short', 'v', 40);
    await c.setTtl('long', 'w', 600_000);
    t.true(await eventually(async () => (await c.getTtl('short')) === undefined), 'expired');
    t.is(await c.getTtl('long'), 'w', 'a longer ttl is unaffected');
  });

  it('publish reaches every subscriber in order, other replicas included', async (t, fixture) => {
    const c = fixture.coordinator;
    const peer = await fixture.connect();
    const local = inbox();
    const remote = inbox();
    await c.subscribe('invalidate', local.handler);
    await peer.subscribe('invalidate', remote.handler);
    for (const m of ['npmjs/a', 'npmjs/b', 'npmjs/c']) await c.publish('invalidate', m);
    t.deepEqual(await local.next(3), ['npmjs/a', 'npmjs/b', 'npmjs/c']);
    t.deepEqual(await remote.next(3), ['npmjs/a', 'npmjs/b', 'npmjs/c']);
  });

  it('channels are separate', async (t, { coordinator: c }) => {
    const one = inbox();
    const two = inbox();
    await c.subscribe('one', one.handler);
    await c.subscribe('two', two.handler);
    await c.publish('one', 'for one');
    await c.publish('two', 'for two');
    t.deepEqual(await one.next(1), ['for one']);
    t.deepEqual(await two.next(1), ['for two']);
    await settle();
    t.deepEqual(one.messages, ['for one']);
    t.deepEqual(two.messages, ['for two']);
  });

  it('unsubscribe stops delivery to that subscriber only', async (t, { coordinator: c }) => {
    const gone = inbox();
    const stays = inbox();
    const unsubscribe = await c.subscribe('ch', gone.handler);
    await c.subscribe('ch', stays.handler);
    await c.publish('ch', 'before');
    t.deepEqual(await gone.next(1), ['before']);
    await unsubscribe();
    await unsubscribe(); // idempotent
    await c.publish('ch', 'after');
    // Delivery on a channel is ordered, so once the remaining subscriber has 'after', the other would have too.
    t.deepEqual(await stays.next(2), ['before', 'after']);
    t.deepEqual(gone.messages, ['before']);
  });

  it('a handler never runs inside publish', async (t, { coordinator: c }) => {
    const box = inbox();
    await c.subscribe('async', box.handler);
    const published = c.publish('async', 'm');
    t.deepEqual(box.messages, [], 'not delivered synchronously');
    await published;
    t.deepEqual(await box.next(1), ['m']);
  });

  it('publishing to a channel nobody listens to is fine', async (t, { coordinator: c }) => {
    await t.notThrowsAsync(c.publish('nobody', 'hello'));
  });

  it('ping resolves while the backend is reachable', async (t, { coordinator: c }) => {
    await t.notThrowsAsync(c.ping());
  });
}
