import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pgPromise from 'pg-promise';
import { s3StorageYaml, startS3rver, type S3rverInstance } from '@artifactapi/core/testing/s3rver';
import { testPostgresUrl, testRedisUrl } from '@artifactapi/core/testing/services';
import type { Teardown } from './teardown.js';

/** The PostgreSQL and Redis the tests use: DATABASE_URL / REDIS_URL when set, else the machine's. */
export const POSTGRES_URL = testPostgresUrl();
export const REDIS_URL = testRedisUrl();

/** Backends that several replicas share, each private to one test. */
export interface SharedBackends {
  /** A database created for this test, dropped after it. */
  databaseUrl: string;
  /** A Redis logical database claimed for this test, empty at start and flushed after it. */
  redisUrl: string;
  s3: S3rverInstance;
  /** The `storage`, `metadata` and `coordination` keys of a replica's config file. */
  yaml: string;
  /** Runs a query in the test's database. */
  query<T>(sql: string, values?: unknown[]): Promise<T[]>;
}

// Claims live in logical database 0, where the other tests keep their prefixed keys, and cover
// databases 1-8 only: the bench flushes its own (13 by default, BENCH_REDIS_DB).
const CLAIM_PREFIX = 'aapi-e2e:redis-db:';
const CLAIM_TTL_S = 600;
const CLAIMABLE = [1, 2, 3, 4, 5, 6, 7, 8];

let pgp: pgPromise.IMain | undefined;

/**
 * A fresh PostgreSQL database, a Redis logical database of its own and an s3rver bucket, all
 * removed when the test ends (after the replicas, which the test starts later and so stops first).
 */
export async function sharedBackends(t: Teardown): Promise<SharedBackends> {
  pgp ??= pgPromise({ noWarnings: true });
  const tag = `${process.pid}_${randomBytes(4).toString('hex')}`;

  const admin = pgp({ connectionString: POSTGRES_URL, max: 1 });
  const database = `aapi_mr_${tag}`;
  await admin.none('CREATE DATABASE $1:name', [database]);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const db = pgp({ connectionString: databaseUrl, max: 2 });
  t.teardown(async () => {
    await db.$pool.end();
    // pg's pool resolves end() before its sockets close; a connection FORCE terminates meanwhile
    // would raise its error with no listener left. So wait (briefly) for them to go first.
    for (let i = 0; i < 100; i++) {
      const open = await admin.one<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [database]);
      if (open.n === 0) break;
      await sleep(20);
    }
    await admin.none('DROP DATABASE IF EXISTS $1:name WITH (FORCE)', [database]);
    await admin.$pool.end();
  });

  const redisUrl = await claimRedisDatabase(t, tag);
  const s3 = await startS3rver({ bucket: 'artifactapi-e2e' });
  t.teardown(() => s3.close());
  const yaml = `
${s3StorageYaml(s3)}metadata: { type: postgres, url: '${databaseUrl}' }
coordination: { type: redis, url: '${redisUrl}' }
`;
  return { databaseUrl, redisUrl, s3, yaml, query: (sql, values) => db.any(sql, values) };
}

/** Takes the first unclaimed logical database of CLAIMABLE (SET NX in database 0), empties it, and gives it back at teardown. */
async function claimRedisDatabase(t: Teardown, tag: string): Promise<string> {
  const admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect();
  let number: number | undefined;
  try {
    await admin.select(0);
    for (const n of CLAIMABLE) {
      if ((await admin.set(`${CLAIM_PREFIX}${n}`, tag, 'EX', CLAIM_TTL_S, 'NX')) !== 'OK') continue;
      number = n;
      break;
    }
    if (number === undefined) throw new Error(`every Redis logical database is claimed by another test run (${CLAIM_PREFIX}*)`);
    await admin.select(number);
    await admin.flushdb();
  } catch (err) {
    await admin.quit();
    throw err;
  }
  const claimed = number;
  t.teardown(async () => {
    await admin.flushdb();
    await admin.select(0);
    // Only our own claim: a slow teardown must not free a database someone else took since.
    if ((await admin.get(`${CLAIM_PREFIX}${claimed}`)) === tag) await admin.del(`${CLAIM_PREFIX}${claimed}`);
    await admin.quit();
  });
  const url = new URL(REDIS_URL);
  url.pathname = `/${claimed}`;
  return url.toString();
}
