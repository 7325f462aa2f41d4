import type { BreakerStore } from '../../src/upstream/breaker-store.js';
import { declareWith } from './declare-test.js';
import type { Cleanup, DeclareTest } from './declare-test.js';

/** A fresh, empty breaker store for one test. */
export interface BreakerStoreFixture extends Cleanup {
  store: BreakerStore;
}

/**
 * The contract every {@link BreakerStore} honours (the memory store and a shared Redis one alike).
 * Declares its tests with `test`, each on a fresh store from `factory`, titled `<name>: …`.
 */
export function breakerStoreConformance(test: DeclareTest, name: string, factory: () => Promise<BreakerStoreFixture>): void {
  const it = declareWith(test, name, factory);

  it('opens at the threshold and hands out one trial after the cooldown', async (t, { store }) => {
    t.is((await store.acquire('o', 0, 1000)).admission, 'pass');
    await store.failure('o', 0, 2, false);
    t.is((await store.acquire('o', 10, 1000)).admission, 'pass');
    const opened = await store.failure('o', 10, 2, false);
    t.is(opened?.openedAt, 10);
    t.is((await store.acquire('o', 500, 1000)).admission, 'reject');
    t.is((await store.acquire('o', 1010, 1000)).admission, 'trial');
    t.is((await store.acquire('o', 1011, 1000)).admission, 'reject');
  });

  it('a trial that never reports back is handed out again after another cooldown', async (t, { store }) => {
    await store.failure('o', 0, 1, false);
    t.is((await store.acquire('o', 1000, 1000)).admission, 'trial');
    t.is((await store.acquire('o', 1999, 1000)).admission, 'reject');
    t.is((await store.acquire('o', 2000, 1000)).admission, 'trial');
  });

  it('releasing a trial lets the next caller try; success closes', async (t, { store }) => {
    await store.failure('o', 0, 1, false);
    t.is((await store.acquire('o', 1000, 1000)).admission, 'trial');
    await store.releaseTrial('o');
    t.is((await store.acquire('o', 1001, 1000)).admission, 'trial');
    t.is(await store.success('o'), undefined);
    t.is((await store.acquire('o', 1002, 1000)).admission, 'pass');
  });

  it('a failed trial re-opens from that moment', async (t, { store }) => {
    await store.failure('o', 0, 5, true);
    const record = await store.failure('o', 3000, 5, true);
    t.is(record?.openedAt, 3000);
    t.is((await store.acquire('o', 3999, 1000)).admission, 'reject');
  });

  it('records come back whole: failures, openedAt, trialAt', async (t, { store }) => {
    t.deepEqual(await store.acquire('o', 0, 1000), { admission: 'pass' }, 'no record for an origin never seen');
    t.deepEqual(await store.failure('o', 5, 3, false), { failures: 1 });
    t.deepEqual(await store.acquire('o', 6, 1000), { admission: 'pass', record: { failures: 1 } });
    await store.failure('o', 7, 3, false);
    t.deepEqual(await store.failure('o', 8, 3, false), { failures: 3, openedAt: 8 });
    t.deepEqual(await store.acquire('o', 1008, 1000), { admission: 'trial', record: { failures: 3, openedAt: 8, trialAt: 1008 } });
    t.deepEqual(await store.releaseTrial('o'), { failures: 3, openedAt: 8 });
    t.is(await store.releaseTrial('never-seen'), undefined);
  });

  it('origins are independent', async (t, { store }) => {
    await store.failure('a', 0, 1, false);
    t.is((await store.acquire('a', 1, 1000)).admission, 'reject');
    t.is((await store.acquire('b', 1, 1000)).admission, 'pass');
  });
}
