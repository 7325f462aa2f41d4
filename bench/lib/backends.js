// The distributed target's backends: an s3rver started here, a fresh PostgreSQL database
// created and dropped here, and one Redis db number flushed before and after. PostgreSQL and
// Redis are the machine's own; when either is unreachable the target is skipped, not failed
// (the bench is not CI).
import pgPromise from 'pg-promise';
import { Redis } from 'ioredis';
import { startS3rver } from './s3rver.js';
import { onInterrupt } from './cleanup.js';
import { pgAdminUrl, redisUrl, redisDb, diskCacheBytes } from './settings.js';

/** The bench's own Redis db: the server's URL with the db number as its path. */
const redisDbUrl = `${redisUrl.replace(/\/\d*$/, '')}/${redisDb}`;

const CONNECT_TIMEOUT_MS = 3000;

/** Thrown when a backend the target needs is unreachable: the caller skips the target. */
export class BackendUnavailable extends Error {}

/** Runs `fn(db)` on a one-off connection to the admin database, then closes it. */
async function withAdmin(fn) {
  const pgp = pgPromise({ noWarnings: true });
  try {
    return await fn(pgp({ connectionString: pgAdminUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS }));
  } finally {
    pgp.end();
  }
}

/** Runs FLUSHDB on the bench's Redis db over a one-off connection that does not retry. */
async function flushRedisDb() {
  const redis = new Redis(redisDbUrl, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // ioredis rejects connect() with "Connection is closed." and reports the cause (ECONNREFUSED…) here.
  let cause;
  redis.on('error', (err) => {
    cause ??= err;
  });
  try {
    await redis.connect();
    await redis.flushdb();
  } catch (err) {
    throw cause ?? err;
  } finally {
    redis.disconnect();
  }
}

function unavailable(what, url, err) {
  return new BackendUnavailable(`${what} unreachable at ${url.replace(/\/\/[^@/]*@/, '//')} (${err.message || err.code || err})`);
}

/** `postgres://user@host:port/admin` → the same server, database `name`. */
function databaseUrl(name) {
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  return url.href;
}

/**
 * Starts s3rver, creates a fresh database and flushes the Redis db. Resolves with
 * { storage, metadata, coordination } (objects for the config file), `s3rverPid`, and stop(),
 * which undoes all three; rejects with BackendUnavailable when PostgreSQL or Redis is down.
 */
export async function startDistributedBackends() {
  try {
    await flushRedisDb();
  } catch (err) {
    throw unavailable('Redis', redisDbUrl, err);
  }
  const dbName = `aapi_bench_${process.pid}_${Date.now().toString(36)}`;
  try {
    await withAdmin((db) => db.none('CREATE DATABASE $1:name', [dbName]));
  } catch (err) {
    throw unavailable('PostgreSQL', pgAdminUrl, err);
  }
  // WITH (FORCE): the server may still hold pooled connections if it was killed.
  const dropDb = () => withAdmin((db) => db.none('DROP DATABASE IF EXISTS $1:name WITH (FORCE)', [dbName]));
  const undo = () => Promise.allSettled([dropDb(), flushRedisDb()]);
  const forget = onInterrupt(undo);
  let s3;
  try {
    s3 = await startS3rver();
  } catch (err) {
    forget();
    await undo();
    throw err;
  }
  return {
    storage: {
      type: 's3',
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      region: 'us-east-1',
      access_key_id: s3.accessKeyId,
      secret_access_key: s3.secretAccessKey,
      force_path_style: true,
      // Under the server's --data dir (the default path), so each start gets an empty tier.
      disk_cache: { max_bytes: diskCacheBytes },
    },
    metadata: { type: 'postgres', url: databaseUrl(dbName) },
    coordination: { type: 'redis', url: redisDbUrl },
    s3rverPid: s3.pid,
    async stop() {
      await s3.stop();
      forget();
      const results = await undo();
      for (const r of results) if (r.status === 'rejected') console.error(`[bench] cleanup of the distributed backends: ${r.reason?.message ?? r.reason}`);
    },
  };
}
