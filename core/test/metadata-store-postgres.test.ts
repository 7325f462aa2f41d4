import { randomBytes } from 'node:crypto';
import test from 'ava';
import pgPromise from 'pg-promise';
import { PostgresMetadataStore } from '../src/metadata/index.js';
import type { PostgresMetadataStoreOptions } from '../src/metadata/index.js';
import { entry, metadataStoreConformance } from './conformance/metadata-store-conformance.js';
import { postgresProbe, serviceGate, testPostgresUrl } from './helpers/services.js';
import { TcpRelay } from './helpers/tcp-relay.js';

const url = testPostgresUrl();
const gate = await serviceGate(`PostgreSQL at ${redact(url)}`, postgresProbe(url));

// Creates and drops the per-test schemas, and kills backends, on connections of its own.
const admin = pgPromise({ noWarnings: true })({ connectionString: url, max: 2 });
test.after.always(() => admin.$pool.end());

let schemas = 0;
/** A schema name no other test or parallel run uses; the store creates it on open. */
function freshSchema(): string {
  return `aapi_t_${process.pid}_${++schemas}_${randomBytes(3).toString('hex')}`;
}

async function dropSchema(schema: string): Promise<void> {
  await admin.none('DROP SCHEMA IF EXISTS $1:name CASCADE', [schema]);
}

/** Runs `body` with a fresh schema and the stores it opens, closing and dropping them afterwards. */
async function withSchema(
  body: (schema: string, open: (over?: Partial<PostgresMetadataStoreOptions>) => PostgresMetadataStore) => Promise<void>,
): Promise<void> {
  const schema = freshSchema();
  const made: PostgresMetadataStore[] = [];
  try {
    await body(schema, (over = {}) => {
      const store = new PostgresMetadataStore({ url, schema, poolSize: 2, ...over });
      made.push(store);
      return store;
    });
  } finally {
    for (const store of made) await store.close();
    await dropSchema(schema);
  }
}

metadataStoreConformance(gate.serial, 'postgres', async () => {
  const schema = freshSchema();
  const made: PostgresMetadataStore[] = [];
  const open = async (): Promise<PostgresMetadataStore> => {
    const store = await PostgresMetadataStore.open({ url, schema, poolSize: 2 });
    made.push(store);
    return store;
  };
  return {
    store: await open(),
    reopen: open,
    cleanup: async () => {
      for (const store of made) await store.close();
      await dropSchema(schema);
    },
  };
});

gate.serial('postgres metadata store: replicas opening together on a fresh schema migrate it exactly once', async (t) => {
  await withSchema(async (schema, make) => {
    const stores = [make(), make(), make(), make()];
    // Without the advisory lock, racing CREATE SCHEMA / CREATE TABLE statements fail here.
    const versions = await Promise.all(stores.map((s) => s.ready()));
    t.deepEqual(versions, [4, 4, 4, 4]);
    const applied = await admin.any('SELECT version, name FROM $1:name.schema_migrations ORDER BY version', [schema]);
    t.deepEqual(applied, [
      { version: 1, name: 'entries' },
      { version: 2, name: 'entries.verified' },
      { version: 3, name: 'management api' },
      { version: 4, name: 'tokens' },
    ]);

    const columns = await admin.any(
      `SELECT column_name, data_type, collation_name FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = 'entries' AND column_name IN ('path', 'size', 'expires_at') ORDER BY column_name`,
      [schema],
    );
    t.deepEqual(columns, [
      { column_name: 'expires_at', data_type: 'bigint', collation_name: null },
      { column_name: 'path', data_type: 'text', collation_name: 'C' },
      { column_name: 'size', data_type: 'bigint', collation_name: null },
    ]);
    const indexes = await admin.any("SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'entries'", [schema]);
    t.true(indexes.some((row: { indexname: string }) => row.indexname === 'entries_digest'));

    await stores[0]?.put(entry({ path: 'shared' }));
    t.deepEqual(await stores[3]?.get('npmjs', 'shared'), entry({ path: 'shared' }), 'replicas share entries');
  });
});

gate.serial('postgres metadata store: refuses a schema from a newer build', async (t) => {
  await withSchema(async (schema, make) => {
    t.is(await make().ready(), 4);
    await admin.none("INSERT INTO $1:name.schema_migrations (version, name) VALUES (99, 'future')", [schema]);

    const err = await t.throwsAsync(PostgresMetadataStore.open({ url, schema }));
    t.is((err as { code?: string }).code, 'AAPI_ERR_METADATA_UNAVAILABLE');
    t.regex(err?.message ?? '', /version 99, newer than this build knows \(4\)/);

    const lazy = make();
    for (const call of [lazy.get('npmjs', 'x'), lazy.ping()]) {
      const refused = await t.throwsAsync(call as Promise<unknown>);
      t.regex(refused?.message ?? '', /newer than this build/);
    }
    const applied = await admin.any('SELECT version FROM $1:name.schema_migrations ORDER BY version', [schema]);
    t.deepEqual(applied, [{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 99 }], 'nothing is applied over it');
  });
});

gate.serial('postgres metadata store: unreachable server rejects with AAPI_ERR_METADATA_UNAVAILABLE and recovers without restart', async (t) => {
  const target = new URL(url);
  const relay = new TcpRelay(target.hostname || '127.0.0.1', Number(target.port || 5432));
  await relay.start();
  await relay.stop(); // nothing listens on relay.port now
  const viaRelay = new URL(url);
  viaRelay.hostname = '127.0.0.1';
  viaRelay.port = String(relay.port);
  try {
    await withSchema(async (schema, make) => {
      const options = { url: viaRelay.href, schema };
      const openErr = await t.throwsAsync(PostgresMetadataStore.open(options));
      t.is((openErr as { code?: string }).code, 'AAPI_ERR_METADATA_UNAVAILABLE');

      const store = make(options); // created while the server is down, as a replica starting early
      const e = entry();
      for (const call of [store.get(e.repo, e.path), store.put(e), store.ping(), store.list(e.repo)]) {
        const err = await t.throwsAsync(call as Promise<unknown>);
        t.is((err as { code?: string }).code, 'AAPI_ERR_METADATA_UNAVAILABLE');
        t.regex(err?.message ?? '', /^Metadata store unavailable: postgres: /);
      }

      await relay.start();
      await store.put(e);
      t.deepEqual(await store.get(e.repo, e.path), e, 'migrated and working once reachable');

      await relay.stop(); // an outage with connections open: every socket is cut
      const err = await t.throwsAsync(store.get(e.repo, e.path));
      t.is((err as { code?: string }).code, 'AAPI_ERR_METADATA_UNAVAILABLE');

      await relay.start();
      t.deepEqual(await store.get(e.repo, e.path), e, 'the same store works again');
      await t.notThrowsAsync(store.ping());
    });
  } finally {
    await relay.stop();
  }
});

gate.serial('postgres metadata store: connections killed by the server are replaced on the next call', async (t) => {
  await withSchema(async (schema, make) => {
    const applicationName = `aapi_kill_${schema}`;
    const store = make({ applicationName, poolSize: 4 });
    const e = entry();
    await store.put(e);
    // Four concurrent reads leave four idle connections in the pool, all about to die.
    await Promise.all([1, 2, 3, 4].map(() => store.get(e.repo, e.path)));
    const killed = await admin.any(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    t.is(killed.length, 4);

    const after = await Promise.all([1, 2, 3].map(() => store.get(e.repo, e.path)));
    t.deepEqual(after, [e, e, e], 'no call fails on a dead connection');
    await store.put({ ...e, size: 1 });
    t.is((await store.get(e.repo, e.path))?.size, 1);
  });
});

gate.serial('postgres metadata store: calls after close reject with AAPI_ERR_METADATA_UNAVAILABLE', async (t) => {
  await withSchema(async (_schema, make) => {
    const store = make();
    await store.ping();
    await store.close();
    await store.close();
    for (const call of [store.get('r', 'p'), store.ping(), store.list('r'), store.delete('r', 'p')]) {
      const err = await t.throwsAsync(call as Promise<unknown>);
      t.is((err as { code?: string }).code, 'AAPI_ERR_METADATA_UNAVAILABLE');
    }
  });
});

test('postgres metadata store: options are validated without echoing the URL', (t) => {
  const secret = 'mysql://user:hunter2@db/x';
  const badUrl = t.throws(() => new PostgresMetadataStore({ url: secret }));
  t.is((badUrl as { code?: string }).code, 'AAPI_ERR_CONFIG_INVALID');
  t.regex(badUrl?.message ?? '', /options\.url/);
  t.notRegex(badUrl?.message ?? '', /hunter2/);
  t.regex(t.throws(() => new PostgresMetadataStore({ url: '' }))?.message ?? '', /options\.url/);
  const pg = 'postgres://127.0.0.1/x';
  t.regex(t.throws(() => new PostgresMetadataStore({ url: pg, schema: 'a"; DROP' }))?.message ?? '', /options\.schema/);
  t.regex(t.throws(() => new PostgresMetadataStore({ url: pg, poolSize: 0 }))?.message ?? '', /options\.poolSize/);
  t.regex(t.throws(() => new PostgresMetadataStore({ url: pg, connectTimeoutMs: -1 }))?.message ?? '', /options\.connectTimeoutMs/);
  t.regex(t.throws(() => new PostgresMetadataStore({ url: pg, queryTimeoutMs: 1.5 }))?.message ?? '', /options\.queryTimeoutMs/);
});

function redact(raw: string): string {
  const u = new URL(raw);
  if (u.password) u.password = '***';
  return u.href;
}
