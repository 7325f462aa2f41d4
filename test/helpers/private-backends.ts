import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pgPromise from 'pg-promise';
import { startPrivateRedis, type PrivateRedis } from '@artifactapi/core/testing/redis-fixture';
import { sha256 } from '@artifactapi/core/testing/integrity-asserts';
import { s3BlobStore } from '@artifactapi/core/testing/s3-blobs';
import { s3StorageYaml, startS3rver, type S3rverInstance } from '@artifactapi/core/testing/s3rver';
import { serialIfAll, serviceGate, type GatedTest } from '@artifactapi/core/testing/services';
import { privatePostgresProbe, startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';
import type { Teardown } from './teardown.js';

/** A service the test may take down and bring back on the same address. */
export interface Stoppable {
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * PostgreSQL, Redis and s3rver, each a process of this test's own, so that stopping one is a
 * real outage that no other test (or engineer) on the machine sees.
 */
export interface PrivateBackends {
  postgres: PrivatePostgres;
  redis: PrivateRedis;
  /** s3rver in a child process; start() runs a new one on the same port and directory. */
  s3: Stoppable & { readonly current: S3rverInstance };
  /** The `storage`, `metadata` and `coordination` keys of a replica's config file. */
  yaml: string;
  /** Runs a query in the metadata database (fails while PostgreSQL is down). */
  query<T>(sql: string, values?: unknown[]): Promise<T[]>;
  /**
   * Every `entries` row whose blob is not in the bucket, or is there but does not hash to the
   * row's digest, as `repo/path: why`. Empty when the metadata never points at a missing blob.
   */
  rowsWithoutBlob(): Promise<string[]>;
}

let pgp: pgPromise.IMain | undefined;

/**
 * `test.serial` when this machine can run private PostgreSQL and Redis servers, else a skip (or,
 * with ARTIFACTAPI_REQUIRE_SERVICES=1, a failing test naming what is missing). Serial: each test
 * runs three services and a loaded server on a shared machine.
 */
export async function privateBackendsTest(): Promise<GatedTest> {
  return serialIfAll([
    await serviceGate('PostgreSQL server binaries (initdb, pg_ctl)', privatePostgresProbe),
    await serviceGate('redis-server (binary)', async () => void (await promisify(execFile)('redis-server', ['--version']))),
  ]);
}

/** Starts the three services; all are stopped and removed when the test ends. */
export async function privateBackends(t: Teardown): Promise<PrivateBackends> {
  const [postgres, redis, first] = await Promise.all([startPrivatePostgres(), startPrivateRedis(), startS3rver({ bucket: 'artifactapi-fault' })]);
  let current = first;
  t.teardown(async () => {
    await Promise.all([postgres.dispose(), redis.dispose(), current.stop()]);
    await first.close(); // removes the directory every instance used
  });
  pgp ??= pgPromise({ noWarnings: true });
  const db = pgp({ connectionString: postgres.url, max: 2 });
  t.teardown(() => db.$pool.end());
  const query = <T>(sql: string, values?: unknown[]) => db.any<T>(sql, values);

  const s3 = {
    get current() {
      return current;
    },
    stop: () => current.stop(),
    start: async () => {
      current = await startS3rver({ port: first.port, directory: first.directory, bucket: first.bucket });
    },
  };

  const rowsWithoutBlob = async (): Promise<string[]> => {
    const blobs = s3BlobStore(current);
    try {
      const problems: string[] = [];
      const rows = await query<{ repo: string; path: string; digest: string; size: string }>('SELECT repo, path, digest, size FROM entries');
      for (const row of rows) {
        const where = `${row.repo}/${row.path}`;
        const stat = await blobs.stat(row.digest);
        if (stat === undefined) problems.push(`${where}: blob ${row.digest} missing`);
        else if (stat.size !== Number(row.size)) problems.push(`${where}: blob of ${stat.size} bytes, row says ${row.size}`);
        else if (sha256(await blobs.readAll(row.digest)) !== row.digest) problems.push(`${where}: blob does not hash to ${row.digest}`);
      }
      return problems;
    } finally {
      await blobs.close();
    }
  };

  const yaml = `
${s3StorageYaml(first)}metadata: { type: postgres, url: '${postgres.url}' }
coordination: { type: redis, url: '${redis.url}' }
`;
  return { postgres, redis, s3, yaml, query, rowsWithoutBlob };
}
