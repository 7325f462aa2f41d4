// Knobs read from the environment, in one place so every benchmark agrees on them.
const quick = process.env.BENCH_QUICK === '1';

/** Seconds each load run lasts: BENCH_DURATION, else 2 in quick mode, else 10. */
export const duration = Number(process.env.BENCH_DURATION) > 0 ? Number(process.env.BENCH_DURATION) : quick ? 2 : 10;

/** Quick mode: short runs and fewer samples, for smoke-testing the harness. */
export const isQuick = quick;

/**
 * Which servers to compare: BENCH_TARGETS, a comma list of nginx, artifactapi (embedded
 * backends) and artifactapi-distributed (S3 + PostgreSQL + Redis); default all three.
 */
export const targets = (process.env.BENCH_TARGETS ?? 'nginx,artifactapi,artifactapi-distributed')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

/** The distributed target's PostgreSQL: a database it may CREATE DATABASE from (BENCH_PG_URL). */
export const pgAdminUrl = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** The distributed target's Redis server (BENCH_REDIS_URL) and the db number it owns (BENCH_REDIS_DB, flushed). */
export const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
export const redisDb = Number(process.env.BENCH_REDIS_DB || 13);

/**
 * The distributed target's `storage.disk_cache.max_bytes` (BENCH_DISK_CACHE_BYTES): the product's
 * default, 10 GiB, so its hits come from the replica's disk tier as they would in production; 0
 * turns the tier off, to see what S3 alone gives.
 */
export const diskCacheBytes = process.env.BENCH_DISK_CACHE_BYTES === undefined ? 10 * 1024 ** 3 : Number(process.env.BENCH_DISK_CACHE_BYTES);

export const KiB = 1024;
export const MiB = 1024 * 1024;
