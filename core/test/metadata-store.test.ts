import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { DatabaseSync } from 'node:sqlite';
import { SqliteMetadataStore } from '../src/metadata/index.js';
import type { MetadataStore } from '../src/metadata/index.js';
import { entry, metadataStoreConformance } from './conformance/metadata-store-conformance.js';

metadataStoreConformance(test, 'sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'aapi-meta-'));
  const path = join(dir, 'metadata.db');
  const made: MetadataStore[] = [];
  const open = (): SqliteMetadataStore => {
    const store = new SqliteMetadataStore({ path });
    made.push(store);
    return store;
  };
  return {
    store: open(),
    reopen: async () => open(),
    cleanup: async () => {
      for (const store of made) await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

/** Runs `body` with a database path in a fresh temp dir, removed afterwards. */
async function withDbPath(body: (path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'aapi-meta-'));
  try {
    await body(join(dir, 'nested', 'metadata.db'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('sqlite metadata store: opens in WAL mode and records migrations once', async (t) => {
  await withDbPath(async (path) => {
    const first = new SqliteMetadataStore({ path });
    t.is(first.schemaVersion, 4);
    await first.put(entry());
    await first.close();
    const second = new SqliteMetadataStore({ path });
    t.is(second.schemaVersion, 4);
    await second.close();

    const db = new DatabaseSync(path, { readOnly: true });
    try {
      t.is(db.prepare('PRAGMA journal_mode').get()?.['journal_mode'], 'wal');
      // node:sqlite rows have a null prototype; deepEqual compares against plain objects.
      const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all().map((row) => ({ ...row }));
      t.deepEqual(
        applied,
        [
          { version: 1, name: 'entries' },
          { version: 2, name: 'entries.verified' },
          { version: 3, name: 'management api' },
          { version: 4, name: 'tokens' },
        ],
        'reopening does not re-apply',
      );
      const index = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entries'").all();
      t.true(index.some((row) => (row as { name: string }).name === 'entries_digest'));
    } finally {
      db.close();
    }
  });
});

test('sqlite metadata store: rows from a version 1 database read as unverified after the upgrade', async (t) => {
  await withDbPath(async (path) => {
    await new SqliteMetadataStore({ path }).close();
    // Take the file back to version 1, as an older build left it, with one row in it.
    const db = new DatabaseSync(path);
    db.exec(
      'DELETE FROM entries; DROP INDEX entries_repo_size; DROP INDEX entries_repo_stored; DROP INDEX entries_repo_hits; ' +
        'ALTER TABLE entries DROP COLUMN hits; ALTER TABLE entries DROP COLUMN last_access; DROP TABLE repositories; ' +
        'ALTER TABLE entries DROP COLUMN verified; DROP TABLE tokens; DELETE FROM schema_migrations WHERE version >= 2',
    );
    db.prepare(
      "INSERT INTO entries VALUES ('npmjs', 'a/-/a-1.0.0.tgz', ?, 3, 'application/octet-stream', NULL, NULL, 1, NULL, 0)",
    ).run('a'.repeat(64));
    db.close();
    const store = new SqliteMetadataStore({ path });
    t.is(store.schemaVersion, 4);
    t.like(await store.get('npmjs', 'a/-/a-1.0.0.tgz'), { size: 3, verified: false });
    await store.close();
  });
});

test('sqlite metadata store: refuses a database from a newer build', async (t) => {
  await withDbPath(async (path) => {
    await new SqliteMetadataStore({ path }).close();
    const db = new DatabaseSync(path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('future');
    db.close();
    const err = t.throws(() => new SqliteMetadataStore({ path }));
    t.is((err as { code?: string }).code, 'AAPI_ERR_METADATA_UNAVAILABLE');
    t.regex(err?.message ?? '', /newer than this build/);
  });
});

test('sqlite metadata store: calls after close reject with AAPI_ERR_METADATA_UNAVAILABLE', async (t) => {
  await withDbPath(async (path) => {
    const store = new SqliteMetadataStore({ path });
    await store.close();
    await store.close();
    for (const call of [store.get('r', 'p'), store.ping(), store.list('r')]) {
      const err = await t.throwsAsync(call as Promise<unknown>);
      t.is((err as { code?: string }).code, 'AAPI_ERR_METADATA_UNAVAILABLE');
    }
  });
});

test('sqlite metadata store: two open instances on one file see each other', async (t) => {
  await withDbPath(async (path) => {
    const a = new SqliteMetadataStore({ path });
    const b = new SqliteMetadataStore({ path });
    try {
      await a.put(entry({ path: 'shared' }));
      t.deepEqual(await b.get('npmjs', 'shared'), entry({ path: 'shared' }));
    } finally {
      await a.close();
      await b.close();
    }
  });
});

test('sqlite metadata store: options are validated', (t) => {
  t.regex(t.throws(() => new SqliteMetadataStore({ path: '' }))?.message ?? '', /options\.path/);
  t.regex(t.throws(() => new SqliteMetadataStore({ path: ':memory:', busyTimeoutMs: -1 }))?.message ?? '', /options\.busyTimeoutMs/);
});
