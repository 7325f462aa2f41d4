import { sortValue } from '../../src/metadata/browse-sql.js';
import type { BrowseQuery, CacheEntry, MetadataStore } from '../../src/metadata/metadata-store.js';
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

  it('browse pages by keyset in every sort order and direction, with prefix and substring filters', async (t, { store }) => {
    // Sizes and ages that do not follow path order, with ties, so the path breaks them.
    const paths = ['a/1', 'a/2', 'a/3', 'b/1', 'b/2', 'B/9', 'c%2F1'];
    for (const [i, path] of paths.entries()) {
      await store.put(entry({ path, size: [5, 3, 5, 1, 9, 3, 7][i]!, storedAt: 1_000 + ((i * 3) % 7) }));
    }
    await store.put(entry({ repo: 'other', path: 'a/1' }));
    const walk = async (query: Omit<BrowseQuery, 'repo' | 'limit' | 'after'>, limit: number) => {
      const out: string[] = [];
      let after: BrowseQuery['after'];
      for (let pages = 0; pages < 20; pages++) {
        const rows = await store.browse({ repo: 'npmjs', limit, ...query, ...(after ? { after } : {}) });
        out.push(...rows.map((r) => r.path));
        if (rows.length < limit) break;
        const last = rows[rows.length - 1]!;
        after = { value: sortValue(last, query.sort), path: last.path };
      }
      return out;
    };
    const byPath = [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    t.deepEqual(await walk({ sort: 'path', order: 'asc' }, 2), byPath);
    t.deepEqual(await walk({ sort: 'path', order: 'desc' }, 3), [...byPath].reverse());
    const bySize = paths
      .map((p, i) => ({ p, s: [5, 3, 5, 1, 9, 3, 7][i]! }))
      .sort((x, y) => x.s - y.s || (x.p < y.p ? -1 : 1))
      .map((x) => x.p);
    t.deepEqual(await walk({ sort: 'size', order: 'asc' }, 2), bySize);
    t.deepEqual(await walk({ sort: 'size', order: 'desc' }, 2), [...bySize].reverse());
    t.is((await walk({ sort: 'cached_at', order: 'desc' }, 3)).length, paths.length);
    t.deepEqual(await walk({ sort: 'path', order: 'asc', prefix: 'a/' }, 2), ['a/1', 'a/2', 'a/3']);
    t.deepEqual(await walk({ sort: 'size', order: 'asc', q: '/1' }, 1), ['b/1', 'a/1'], 'a literal substring, case-sensitive');
    t.deepEqual(await walk({ sort: 'path', order: 'asc', q: '%' }, 5), ['c%2F1'], '% is no wildcard');
  });

  it('recordAccess adds hits and moves the last access forward; a put keeps them', async (t, { store }) => {
    await store.put(entry({ path: 'x' }));
    await store.put(entry({ path: 'y' }));
    await store.recordAccess([
      { repo: 'npmjs', path: 'x', hits: 3, at: 2_000 },
      { repo: 'npmjs', path: 'absent', hits: 1, at: 2_000 },
    ]);
    await store.recordAccess([{ repo: 'npmjs', path: 'x', hits: 2, at: 1_500 }]);
    const rows = await store.browse({ repo: 'npmjs', sort: 'hits', order: 'desc', limit: 10 });
    t.like(rows[0], { path: 'x', hits: 5, lastAccess: 2_000 });
    t.like(rows[1], { path: 'y', hits: 0, lastAccess: null });
    await store.put(entry({ path: 'x', size: 1 }));
    t.like((await store.browse({ repo: 'npmjs', sort: 'hits', order: 'desc', limit: 1 }))[0], { path: 'x', hits: 5, size: 1 });
  });

  it('usage counts objects and bytes per repository, and each blob once', async (t, { store }) => {
    t.deepEqual(await store.usage(), { repositories: {}, blobs: { count: 0, bytes: 0 } });
    await store.put(entry({ path: 'a', digest: DIGEST_A, size: 10 }));
    await store.put(entry({ path: 'b', digest: DIGEST_A, size: 10 }));
    await store.put(entry({ repo: 'other', path: 'c', digest: DIGEST_B, size: 5 }));
    t.deepEqual(await store.usage(), {
      repositories: { npmjs: { objects: 2, bytes: 20 }, other: { objects: 1, bytes: 5 } },
      blobs: { count: 2, bytes: 15 },
    });
  });

  it('repositories: create once, replace, list, delete; they survive a restart', async (t, fixture) => {
    const { store } = fixture;
    const repo = { name: 'mirror', kind: 'remote' as const, definition: { package: 'generic', base_url: 'https://x.example', patterns: ['^a'] }, createdAt: 1, updatedAt: 1 };
    t.true(await store.createRepository(repo));
    t.false(await store.createRepository({ ...repo, definition: {} }), 'a taken name');
    t.deepEqual(await store.getRepository('mirror'), repo);
    t.false(await store.replaceRepository({ ...repo, kind: 'virtual' }), 'of another kind');
    t.true(await store.replaceRepository({ ...repo, definition: { package: 'generic', base_url: 'https://y.example' }, updatedAt: 2 }));
    t.true(await store.createRepository({ name: 'all', kind: 'virtual', definition: { package: 'generic', members: ['mirror'] }, createdAt: 3, updatedAt: 3 }));
    await store.close();
    const restarted = await fixture.reopen();
    t.deepEqual(
      (await restarted.listRepositories()).map((r) => [r.name, r.kind, r.updatedAt]),
      [
        ['all', 'virtual', 3],
        ['mirror', 'remote', 2],
      ],
    );
    t.like(await restarted.getRepository('mirror'), { definition: { base_url: 'https://y.example' }, createdAt: 1 });
    t.true(await restarted.deleteRepository('mirror'));
    t.false(await restarted.deleteRepository('mirror'));
    t.is(await restarted.getRepository('mirror'), undefined);
  });

  it('tokens: create, find by hash, touch (never back), list oldest first, delete; they survive a restart', async (t, fixture) => {
    const { store } = fixture;
    const ci = { id: 'id-ci', name: 'ci', scopes: [{ access: 'write' as const, repositories: ['files', 'npm-local'] }], hash: 'c'.repeat(64), createdAt: 2, expiresAt: 4_102_444_800_000, lastUsedAt: null };
    const reader = { id: 'id-read', name: 'reader', scopes: [{ access: 'read' as const, repositories: ['*'] }], hash: 'd'.repeat(64), createdAt: 1, expiresAt: null, lastUsedAt: null };
    await store.createToken(ci);
    await store.createToken(reader);
    await t.throwsAsync(store.createToken({ ...reader, id: 'id-other' }), undefined, 'a hash is unique');
    t.deepEqual(await store.getTokenByHash('c'.repeat(64)), ci);
    t.is(await store.getTokenByHash('e'.repeat(64)), undefined);
    await store.touchToken('id-ci', 50);
    await store.touchToken('id-ci', 40);
    await store.close();
    const restarted = await fixture.reopen();
    t.deepEqual(await restarted.listTokens(), [reader, { ...ci, lastUsedAt: 50 }]);
    t.true(await restarted.deleteToken('id-ci'));
    t.false(await restarted.deleteToken('id-ci'));
    t.is(await restarted.getTokenByHash('c'.repeat(64)), undefined);
  });

  it('ping resolves while the backend is reachable', async (t, { store }) => {
    await t.notThrowsAsync(store.ping());
  });
}
