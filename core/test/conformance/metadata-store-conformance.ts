import type { CacheEntry, MetadataStore } from '../../src/metadata/metadata-store.js';
import { declareWith } from './declare-test.js';
import type { Cleanup, DeclareTest } from './declare-test.js';

/** A fresh, empty metadata store for one test. */
export interface MetadataStoreFixture extends Cleanup {
  store: MetadataStore;
  /** Another instance on the same database, as after a restart (the old one is left open). */
  reopen(): Promise<MetadataStore>;
}

export type MetadataStoreFactory = () => Promise<MetadataStoreFixture>;

const DIGEST_A = 'a'.repeat(64);
const DIGEST_B = 'b'.repeat(64);

/** A complete entry; `over` replaces any field. */
export function entry(over: Partial<CacheEntry> = {}): CacheEntry {
  return {
    repo: 'npmjs',
    path: 'lodash/-/lodash-4.17.21.tgz',
    digest: DIGEST_A,
    size: 54_321,
    contentType: 'application/octet-stream',
    upstreamEtag: '"W/abc-123"',
    upstreamLastModified: 'Tue, 21 Jan 2025 10:00:00 GMT',
    storedAt: 1_737_453_600_123,
    expiresAt: 1_737_454_200_456,
    mutable: true,
    verified: true,
    ...over,
  };
}

/**
 * The contract every {@link MetadataStore} honours. Declares its tests with `test`, each on a
 * fresh store from `factory`, titled `<name> metadata store: …`.
 *
 * `list` orders paths by code point (byte order of UTF-8): an implementation on a database with
 * locale collation must compare with a binary one (PostgreSQL: `COLLATE "C"`).
 */
export function metadataStoreConformance(test: DeclareTest, name: string, factory: MetadataStoreFactory): void {
  const it = declareWith(test, `${name} metadata store`, factory);

  it('get of an unknown path is undefined', async (t, { store }) => {
    t.is(await store.get('npmjs', 'nothing/here'), undefined);
    await store.put(entry());
    t.is(await store.get('other-repo', entry().path), undefined, 'repositories are separate');
  });

  it('put then get returns the same entry, large numbers and non-ASCII paths included', async (t, { store }) => {
    const e = entry({
      path: 'sub/dir/naïve €/日本語.tar.gz',
      size: 5 * 1024 ** 3 + 7, // > 2^32: a 32-bit column or a bigint-as-string driver shows here
      storedAt: 4_102_444_800_000,
    });
    await store.put(e);
    t.deepEqual(await store.get(e.repo, e.path), e);
  });

  it('absent validators and no expiry round-trip as null', async (t, { store }) => {
    const e = entry({ upstreamEtag: null, upstreamLastModified: null, expiresAt: null, mutable: false, verified: false, size: 0 });
    await store.put(e);
    t.deepEqual(await store.get(e.repo, e.path), e);
  });

  it('put replaces the entry for the same repo and path', async (t, { store }) => {
    await store.put(entry());
    const replaced = entry({ digest: DIGEST_B, size: 9, upstreamEtag: null, expiresAt: null, mutable: false });
    await store.put(replaced);
    t.deepEqual(await store.get(replaced.repo, replaced.path), replaced);
    t.is((await store.list(replaced.repo)).length, 1);
  });

  it('setExpiry moves only the expiry', async (t, { store }) => {
    const e = entry();
    await store.put(e);
    await store.setExpiry(e.repo, e.path, 1_900_000_000_000);
    t.deepEqual(await store.get(e.repo, e.path), { ...e, expiresAt: 1_900_000_000_000 });
    await store.setExpiry(e.repo, e.path, null);
    t.deepEqual(await store.get(e.repo, e.path), { ...e, expiresAt: null });
    await store.setExpiry(e.repo, 'not/stored', 5);
    t.is(await store.get(e.repo, 'not/stored'), undefined, 'setExpiry does not create an entry');
  });

  it('delete reports whether there was an entry', async (t, { store }) => {
    await store.put(entry());
    await store.put(entry({ path: 'keep' }));
    t.true(await store.delete('npmjs', entry().path));
    t.false(await store.delete('npmjs', entry().path));
    t.false(await store.delete('other', 'keep'));
    t.is(await store.get('npmjs', entry().path), undefined);
    t.truthy(await store.get('npmjs', 'keep'));
  });

  it('countDigestRefs counts entries across repositories', async (t, { store }) => {
    t.is(await store.countDigestRefs(DIGEST_A), 0);
    await store.put(entry({ repo: 'r1', path: 'x' }));
    await store.put(entry({ repo: 'r1', path: 'y' }));
    await store.put(entry({ repo: 'r2', path: 'x' }));
    await store.put(entry({ repo: 'r2', path: 'z', digest: DIGEST_B }));
    t.is(await store.countDigestRefs(DIGEST_A), 3);
    t.is(await store.countDigestRefs(DIGEST_B), 1);
    await store.delete('r1', 'y');
    t.is(await store.countDigestRefs(DIGEST_A), 2);
    await store.put(entry({ repo: 'r2', path: 'x', digest: DIGEST_B }));
    t.is(await store.countDigestRefs(DIGEST_A), 1, 'a replaced entry no longer refers to its old blob');
    t.is(await store.countDigestRefs(DIGEST_B), 2);
  });

  it("list returns one repository's entries ordered by path", async (t, { store }) => {
    for (const path of ['m/2', 'a/1', 'z', 'm/10', 'm/1']) await store.put(entry({ path }));
    await store.put(entry({ repo: 'npmjs-2', path: 'a/0' }));
    const listed = await store.list('npmjs');
    t.deepEqual(
      listed.map((e) => e.path),
      ['a/1', 'm/1', 'm/10', 'm/2', 'z'],
    );
    t.deepEqual(listed[0], entry({ path: 'a/1' }), 'listed entries are complete');
    t.deepEqual(await store.list('nobody'), []);
  });

  it('list orders paths by code point', async (t, { store }) => {
    const paths = ['é', 'b', 'a', 'B', 'A/b', '_', '-', '~', 'a/b'];
    for (const path of paths) await store.put(entry({ path }));
    t.deepEqual(
      (await store.list('npmjs')).map((e) => e.path),
      ['-', 'A/b', 'B', '_', 'a', 'a/b', 'b', '~', 'é'],
    );
  });

  it('list matches the prefix literally', async (t, { store }) => {
    const paths = ['a/b', 'a/c', 'a%b', 'a_c', 'ab', 'A/b', 'b', 'a', 'a\\x'];
    for (const path of paths) await store.put(entry({ path }));
    const under = async (prefix: string): Promise<string[]> => (await store.list('npmjs', prefix)).map((e) => e.path);
    t.deepEqual(await under('a/'), ['a/b', 'a/c']);
    t.deepEqual(await under('a%'), ['a%b'], '% is not a wildcard');
    t.deepEqual(await under('a_'), ['a_c'], '_ is not a wildcard');
    t.deepEqual(await under('a\\'), ['a\\x'], 'backslash is not an escape');
    t.deepEqual(await under('A'), ['A/b'], 'case matters');
    t.deepEqual(await under('a'), ['a', 'a%b', 'a/b', 'a/c', 'a\\x', 'a_c', 'ab']);
    t.deepEqual(await under(''), [...paths].sort());
    t.deepEqual(await under('c'), []);
  });

  it('list handles a prefix ending in the highest code point', async (t, { store }) => {
    for (const path of ['x\u{10FFFF}', 'x\u{10FFFF}y', 'xy', 'y']) await store.put(entry({ path }));
    t.deepEqual(
      (await store.list('npmjs', 'x\u{10FFFF}')).map((e) => e.path),
      ['x\u{10FFFF}', 'x\u{10FFFF}y'],
    );
  });

  it('list honours the limit', async (t, { store }) => {
    for (const path of ['d', 'c', 'b', 'a']) await store.put(entry({ path }));
    t.deepEqual(
      (await store.list('npmjs', '', 2)).map((e) => e.path),
      ['a', 'b'],
    );
    t.deepEqual(
      (await store.list('npmjs', 'c', 10)).map((e) => e.path),
      ['c'],
    );
    t.deepEqual(await store.list('npmjs', '', 0), []);
  });

  it('entries survive a restart', async (t, fixture) => {
    const e = entry();
    await fixture.store.put(e);
    await fixture.store.close();
    const restarted = await fixture.reopen();
    t.deepEqual(await restarted.get(e.repo, e.path), e);
    t.is(await restarted.countDigestRefs(e.digest), 1);
  });

  it('ping resolves while the backend is reachable', async (t, { store }) => {
    await t.notThrowsAsync(store.ping());
  });
}
