import type pgPromise from 'pg-promise';
import { AapiError } from '../errors.js';

/** One schema step. Versions only grow; a released migration is never edited, only followed. */
export interface PostgresMigration {
  version: number;
  name: string;
  /** SQL; `$(schema:name)` stands for the quoted schema name. */
  sql: string;
}

/**
 * Key of the transaction-scoped advisory lock held while migrating ("AAPI" in ASCII). One constant
 * for every schema: replicas starting together queue on it, and the wait is a few milliseconds.
 */
export const MIGRATION_LOCK_KEY = 0x41415049;

/** Same columns and meaning as the SQLite store; `path` compares by code point. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'entries',
    sql: `
      CREATE TABLE $(schema:name).entries (
        repo text NOT NULL,
        path text COLLATE "C" NOT NULL,
        digest text NOT NULL,
        size bigint NOT NULL,
        content_type text NOT NULL,
        upstream_etag text,
        upstream_last_modified text,
        stored_at bigint NOT NULL,
        expires_at bigint,
        mutable boolean NOT NULL,
        PRIMARY KEY (repo, path)
      );
      CREATE INDEX entries_digest ON $(schema:name).entries (digest);
    `,
  },
  {
    version: 2,
    name: 'entries.verified',
    // Rows from before this column may hold bytes never checked against their index.
    sql: 'ALTER TABLE $(schema:name).entries ADD COLUMN verified boolean NOT NULL DEFAULT false',
  },
  {
    version: 3,
    name: 'management api',
    // Access counts and an index per sort of the object browser (keyset pages); repositories
    // created through the management API.
    sql: `
      ALTER TABLE $(schema:name).entries ADD COLUMN hits bigint NOT NULL DEFAULT 0;
      ALTER TABLE $(schema:name).entries ADD COLUMN last_access bigint;
      CREATE INDEX entries_repo_size ON $(schema:name).entries (repo, size, path);
      CREATE INDEX entries_repo_stored ON $(schema:name).entries (repo, stored_at, path);
      CREATE INDEX entries_repo_hits ON $(schema:name).entries (repo, hits, path);
      CREATE TABLE $(schema:name).repositories (
        name text PRIMARY KEY,
        kind text NOT NULL,
        definition text NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'tokens',
    // Named access tokens: only the sha256 of each secret, looked up by it.
    sql: `
      CREATE TABLE $(schema:name).tokens (
        id text PRIMARY KEY,
        name text NOT NULL,
        scopes text NOT NULL,
        hash text NOT NULL UNIQUE,
        created_at bigint NOT NULL,
        expires_at bigint,
        last_used_at bigint
      );
    `,
  },
];

/** The newest schema version this build knows. */
export const LATEST_POSTGRES_VERSION = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1]?.version ?? 0;

type Db = pgPromise.IDatabase<object>;
type Task = pgPromise.ITask<object>;

/**
 * Brings `schema` up to {@link LATEST_POSTGRES_VERSION}, creating it when missing, in one
 * transaction under {@link MIGRATION_LOCK_KEY}: a second replica waits, then finds nothing to do.
 * Refuses a schema that a newer build has already migrated further. Resolves to the version.
 */
export async function migratePostgres(db: Db, schema: string): Promise<number> {
  return db.tx('aapi-migrate', async (t) => {
    await t.one('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    // Look before creating: CREATE SCHEMA needs a privilege that using an existing one does not.
    const exists = await t.oneOrNone('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists === null) await t.none('CREATE SCHEMA $(schema:name)', { schema });
    await t.none(
      `CREATE TABLE IF NOT EXISTS $(schema:name).schema_migrations (
        version int PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
      { schema },
    );
    const current = await versionIn(t, schema);
    if (current > LATEST_POSTGRES_VERSION) {
      throw new AapiError(
        'AAPI_ERR_METADATA_UNAVAILABLE',
        `postgres: schema "${schema}" is at version ${current}, newer than this build knows (${LATEST_POSTGRES_VERSION}); upgrade ArtifactAPI`,
      );
    }
    for (const m of POSTGRES_MIGRATIONS) {
      if (m.version <= current) continue;
      await t.none(m.sql, { schema });
      await t.none('INSERT INTO $(schema:name).schema_migrations (version, name) VALUES ($(version), $(name))', {
        schema,
        version: m.version,
        name: m.name,
      });
    }
    return Math.max(current, LATEST_POSTGRES_VERSION);
  });
}

async function versionIn(db: Task, schema: string): Promise<number> {
  const row = await db.one<{ v: number | null }>('SELECT max(version) AS v FROM $(schema:name).schema_migrations', { schema });
  return row.v ?? 0;
}
