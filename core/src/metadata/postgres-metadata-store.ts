import pgPromise from 'pg-promise';
import { AapiError } from '../errors.js';
import { browseSql, fromBrowseRow, type BrowseRow } from './browse-sql.js';
import { ENTRY_COLUMNS, fromRow, toParams } from './entry-row.js';
import type { EntryRow } from './entry-row.js';
import type { AccessCount, BrowsedEntry, BrowseQuery, CacheEntry, MetadataStore, StoredRepository, StoredToken, StoreUsage } from './metadata-store.js';
import { fromTokenRow, TOKEN_COLUMNS, tokenParams, type TokenRow } from './token-row.js';
import { fromRepositoryRow, REPOSITORY_COLUMNS, repositoryParams, type RepositoryRow } from './repository-row.js';
import { isConnectionLost, unavailable } from './postgres-errors.js';
import { migratePostgres } from './postgres-migrations.js';
import { prefixUpperBound } from './prefix-upper-bound.js';

/** Options of {@link PostgresMetadataStore}. */
export interface PostgresMetadataStoreOptions {
  /** `postgres://user:pass@host:port/db` (config `metadata.url`, DATABASE_URL or DB*). */
  url: string;
  /** Schema holding the tables, created when missing (default `public`). */
  schema?: string;
  /** Most connections the pool opens (default 10). */
  poolSize?: number;
  /** How long opening a connection may take before the call fails (default 5000). */
  connectTimeoutMs?: number;
  /** How long a query may wait for its answer (default 30000); 0 waits forever. */
  queryTimeoutMs?: number;
  /** Shown in pg_stat_activity (default `artifactapi`); the URL's `application_name` wins. */
  applicationName?: string;
}

type Db = pgPromise.IDatabase<object>;

/**
 * One library instance for every store. `noWarnings`: replicas under test legitimately open
 * several pools on one URL. Never call its `end()`: it would close every pg-promise pool in the process.
 */
let library: pgPromise.IMain<object> | undefined;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Path → blob metadata in PostgreSQL (pg-promise), for replicas that share one database.
 *
 * The tables match the SQLite store: `path` uses `COLLATE "C"` so order and prefix ranges follow
 * code points. Migrations run once per store before its first query (or in {@link open}), under an
 * advisory lock. Connection failures reject with AAPI_ERR_METADATA_UNAVAILABLE and the pool
 * reconnects by itself once the server is back; a call that lands on a connection the server has
 * just dropped retries on another one.
 */
export class PostgresMetadataStore implements MetadataStore {
  readonly kind = 'postgres';
  readonly schema: string;
  readonly #db: Db;
  readonly #poolSize: number;
  readonly #sql: ReturnType<typeof statements>;
  #ready: Promise<number> | undefined;
  #closing: Promise<void> | undefined;

  /**
   * Creates the store without connecting: the first call connects and migrates. A server that is
   * down at start only makes calls fail until it returns. Prefer {@link open} to fail fast.
   */
  constructor(options: PostgresMetadataStoreOptions) {
    const url = options?.url;
    if (typeof url !== 'string' || !/^postgres(ql)?:\/\/./i.test(url)) {
      // The URL may hold a password: name its shape, never echo it.
      throw new AapiError('AAPI_ERR_CONFIG_INVALID', 'options.url must be a postgres:// or postgresql:// URL');
    }
    this.schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(this.schema)) {
      throw new AapiError('AAPI_ERR_CONFIG_INVALID', `options.schema must be a plain SQL identifier, got ${JSON.stringify(this.schema)}`);
    }
    this.#poolSize = positiveInt('poolSize', options.poolSize ?? 10, 1);
    const connectTimeout = positiveInt('connectTimeoutMs', options.connectTimeoutMs ?? 5000, 1);
    const queryTimeout = positiveInt('queryTimeoutMs', options.queryTimeoutMs ?? 30_000, 0);
    library ??= pgPromise({ noWarnings: true });
    this.#db = library({
      connectionString: url,
      max: this.#poolSize,
      connectionTimeoutMillis: connectTimeout,
      ...(queryTimeout > 0 ? { query_timeout: queryTimeout } : {}),
      keepAlive: true,
      application_name: options.applicationName ?? 'artifactapi',
    });
    this.#sql = statements(library.as.name(this.schema));
  }

  /** Connects and migrates, so a bad URL or a too-new schema shows at start, not on the first request. */
  static async open(options: PostgresMetadataStoreOptions): Promise<PostgresMetadataStore> {
    const store = new PostgresMetadataStore(options);
    try {
      await store.ready();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  /**
   * Applies pending migrations once; resolves to the schema version. After a failure the next
   * call tries again, which is how a store created while PostgreSQL was down comes to life.
   */
  ready(): Promise<number> {
    if (this.#closing) return Promise.reject(closedError());
    this.#ready ??= this.#attempt('cannot apply migrations', (db) => migratePostgres(db, this.schema)).catch((err: unknown) => {
      this.#ready = undefined;
      throw err;
    });
    return this.#ready;
  }

  async get(repo: string, path: string): Promise<CacheEntry | undefined> {
    const row = await this.#run('get failed', (db) => db.oneOrNone<EntryRow>(this.#sql.get, [repo, path]));
    return row === null ? undefined : fromRow(row);
  }

  async put(entry: CacheEntry): Promise<void> {
    await this.#run('put failed', (db) => db.none(this.#sql.put, toParams(entry)));
  }

  /** Does nothing when there is no entry for (repo, path). */
  async setExpiry(repo: string, path: string, expiresAt: number | null): Promise<void> {
    await this.#run('setExpiry failed', (db) => db.none(this.#sql.setExpiry, [expiresAt, repo, path]));
  }

  /** Not retried on a dropped connection: a first attempt that did commit would turn `true` into `false`. */
  async delete(repo: string, path: string): Promise<boolean> {
    const count = await this.#run('delete failed', (db) => db.result(this.#sql.delete, [repo, path], (r) => r.rowCount), false);
    return count > 0;
  }

  async countDigestRefs(digest: string): Promise<number> {
    const row = await this.#run('countDigestRefs failed', (db) => db.one<{ n: string }>(this.#sql.countRefs, [digest]));
    return Number(row.n);
  }

  /** Paths compare by code point (`COLLATE "C"`), so `B` sorts before `a`. */
  async list(repo: string, prefix = '', limit?: number, from?: string): Promise<CacheEntry[]> {
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw new AapiError('AAPI_ERR_INTERNAL', `list limit must be a non-negative integer, got ${limit}`);
    }
    const upper = prefixUpperBound(prefix);
    const lower = from !== undefined && from > prefix ? from : prefix;
    const rows = await this.#run('list failed', (db) =>
      upper === undefined
        ? db.any<EntryRow>(this.#sql.listFrom, [repo, lower, limit ?? null])
        : db.any<EntryRow>(this.#sql.listRange, [repo, lower, upper, limit ?? null]),
    );
    return rows.map(fromRow);
  }

  async browse(query: BrowseQuery): Promise<BrowsedEntry[]> {
    const { sql, values } = browseSql(this.#sql.entries, query, 'strpos(path, ?) > 0');
    let n = 0;
    const numbered = sql.replace(/\?/g, () => `$${++n}`);
    const rows = await this.#run('browse failed', (db) => db.any<BrowseRow>(numbered, values));
    return rows.map(fromBrowseRow);
  }

  async recordAccess(counts: readonly AccessCount[]): Promise<void> {
    if (counts.length === 0) return;
    const columns = [counts.map((c) => c.repo), counts.map((c) => c.path), counts.map((c) => c.hits), counts.map((c) => c.at)];
    await this.#run('recordAccess failed', (db) => db.none(this.#sql.access, columns), false);
  }

  async usage(): Promise<StoreUsage> {
    const [rows, blobs] = await this.#run('usage failed', (db) =>
      Promise.all([
        db.any<{ repo: string; n: string; b: string }>(this.#sql.usage),
        db.one<{ n: string; b: string }>(this.#sql.blobUsage),
      ]),
    );
    const repositories: StoreUsage['repositories'] = {};
    for (const r of rows) repositories[r.repo] = { objects: Number(r.n), bytes: Number(r.b) };
    return { repositories, blobs: { count: Number(blobs.n), bytes: Number(blobs.b) } };
  }

  async listRepositories(): Promise<StoredRepository[]> {
    const rows = await this.#run('listRepositories failed', (db) => db.any<RepositoryRow>(this.#sql.listRepositories));
    return rows.map(fromRepositoryRow);
  }

  async getRepository(name: string): Promise<StoredRepository | undefined> {
    const row = await this.#run('getRepository failed', (db) => db.oneOrNone<RepositoryRow>(this.#sql.getRepository, [name]));
    return row === null ? undefined : fromRepositoryRow(row);
  }

  async createRepository(repo: StoredRepository): Promise<boolean> {
    const count = await this.#run('createRepository failed', (db) => db.result(this.#sql.createRepository, repositoryParams(repo), (r) => r.rowCount), false);
    return count > 0;
  }

  async replaceRepository(repo: StoredRepository): Promise<boolean> {
    const params = [JSON.stringify(repo.definition), repo.updatedAt, repo.name, repo.kind];
    const count = await this.#run('replaceRepository failed', (db) => db.result(this.#sql.replaceRepository, params, (r) => r.rowCount));
    return count > 0;
  }

  async deleteRepository(name: string): Promise<boolean> {
    const count = await this.#run('deleteRepository failed', (db) => db.result(this.#sql.deleteRepository, [name], (r) => r.rowCount), false);
    return count > 0;
  }

  /** Also fails while the schema cannot be migrated: the store is not usable then either. */
  async listTokens(): Promise<StoredToken[]> {
    const rows = await this.#run('listTokens failed', (db) => db.any<TokenRow>(this.#sql.listTokens));
    return rows.map(fromTokenRow);
  }

  async getTokenByHash(hash: string): Promise<StoredToken | undefined> {
    const row = await this.#run('getTokenByHash failed', (db) => db.oneOrNone<TokenRow>(this.#sql.getTokenByHash, [hash]));
    return row === null ? undefined : fromTokenRow(row);
  }

  async createToken(token: StoredToken): Promise<void> {
    await this.#run('createToken failed', (db) => db.none(this.#sql.createToken, tokenParams(token)), false);
  }

  async deleteToken(id: string): Promise<boolean> {
    const count = await this.#run('deleteToken failed', (db) => db.result(this.#sql.deleteToken, [id], (r) => r.rowCount), false);
    return count > 0;
  }

  async touchToken(id: string, at: number): Promise<void> {
    await this.#run('touchToken failed', (db) => db.none(this.#sql.touchToken, [at, id]));
  }

  async ping(): Promise<void> {
    await this.#run('ping failed', (db) => db.one('SELECT 1 AS ok'));
  }

  /** Ends the pool; later calls reject with AAPI_ERR_METADATA_UNAVAILABLE. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#db.$pool.end().catch(() => undefined);
    return this.#closing;
  }

  /** The schema version, after migrating if that has not happened yet. */
  schemaVersion(): Promise<number> {
    return this.ready();
  }

  async #run<T>(detail: string, query: (db: Db) => Promise<T>, retry = true): Promise<T> {
    await this.ready();
    return this.#attempt(detail, query, retry);
  }

  /**
   * Runs `query`, again on another connection when the one it got had been dropped by the server
   * (restart, pg_terminate_backend): each such failure removes one dead connection from the pool,
   * so poolSize + 1 attempts always reach a fresh one.
   */
  async #attempt<T>(detail: string, query: (db: Db) => Promise<T>, retry = true): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (this.#closing) throw closedError();
      try {
        return await query(this.#db);
      } catch (err) {
        if (!retry || attempt >= this.#poolSize || !isConnectionLost(err)) throw unavailable(detail, err);
      }
    }
  }
}

/** SQL text for one schema; pg-promise fills `$n` from the values array. */
function statements(schema: string) {
  const entries = `${schema}.entries`;
  const repositories = `${schema}.repositories`;
  const tokens = `${schema}.tokens`;
  const updates = ENTRY_COLUMNS.split(', ')
    .filter((c) => c !== 'repo' && c !== 'path')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  return {
    entries,
    get: `SELECT ${ENTRY_COLUMNS} FROM ${entries} WHERE repo = $1 AND path = $2`,
    access:
      `UPDATE ${entries} e SET hits = e.hits + v.hits, last_access = greatest(coalesce(e.last_access, 0), v.at) ` +
      'FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS v(repo, path, hits, at) WHERE e.repo = v.repo AND e.path = v.path',
    usage: `SELECT repo, count(*) AS n, coalesce(sum(size), 0) AS b FROM ${entries} GROUP BY repo`,
    blobUsage: `SELECT count(*) AS n, coalesce(sum(size), 0) AS b FROM (SELECT digest, max(size) AS size FROM ${entries} GROUP BY digest) d`,
    listRepositories: `SELECT ${REPOSITORY_COLUMNS} FROM ${repositories} ORDER BY name`,
    getRepository: `SELECT ${REPOSITORY_COLUMNS} FROM ${repositories} WHERE name = $1`,
    createRepository: `INSERT INTO ${repositories} (${REPOSITORY_COLUMNS}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING`,
    replaceRepository: `UPDATE ${repositories} SET definition = $1, updated_at = $2 WHERE name = $3 AND kind = $4`,
    deleteRepository: `DELETE FROM ${repositories} WHERE name = $1`,
    listTokens: `SELECT ${TOKEN_COLUMNS} FROM ${tokens} ORDER BY created_at, id`,
    getTokenByHash: `SELECT ${TOKEN_COLUMNS} FROM ${tokens} WHERE hash = $1`,
    createToken: `INSERT INTO ${tokens} (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    deleteToken: `DELETE FROM ${tokens} WHERE id = $1`,
    touchToken: `UPDATE ${tokens} SET last_used_at = greatest(coalesce(last_used_at, 0), $1) WHERE id = $2`,
    put:
      `INSERT INTO ${entries} (${ENTRY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ` +
      `ON CONFLICT (repo, path) DO UPDATE SET ${updates}`,
    setExpiry: `UPDATE ${entries} SET expires_at = $1 WHERE repo = $2 AND path = $3`,
    delete: `DELETE FROM ${entries} WHERE repo = $1 AND path = $2`,
    countRefs: `SELECT count(*) AS n FROM ${entries} WHERE digest = $1`,
    // A range on the primary key rather than LIKE, whose % _ and \ would need escaping. LIMIT NULL is no limit.
    listRange: `SELECT ${ENTRY_COLUMNS} FROM ${entries} WHERE repo = $1 AND path >= $2 AND path < $3 ORDER BY path LIMIT $4`,
    listFrom: `SELECT ${ENTRY_COLUMNS} FROM ${entries} WHERE repo = $1 AND path >= $2 ORDER BY path LIMIT $3`,
  };
}

function positiveInt(key: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    const what = min === 0 ? 'a non-negative integer' : 'a positive integer';
    throw new AapiError('AAPI_ERR_CONFIG_INVALID', `options.${key} must be ${what}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function closedError(): AapiError {
  return new AapiError('AAPI_ERR_METADATA_UNAVAILABLE', 'postgres: the store is closed');
}
