import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { StatementSync } from 'node:sqlite';
import { AapiError } from '../errors.js';
import { browseShape, browseSql, fromBrowseRow, type BrowseRow } from './browse-sql.js';
import { ENTRY_COLUMNS, fromRow } from './entry-row.js';
import type { EntryRow } from './entry-row.js';
import type { AccessCount, BrowsedEntry, BrowseQuery, CacheEntry, MetadataStore, StoredRepository, StoredToken, StoreUsage } from './metadata-store.js';
import { prefixUpperBound } from './prefix-upper-bound.js';
import { fromTokenRow, TOKEN_COLUMNS, tokenParams, type TokenRow } from './token-row.js';
import { fromRepositoryRow, REPOSITORY_COLUMNS, repositoryParams, type RepositoryRow } from './repository-row.js';

/** Options of {@link SqliteMetadataStore}. */
export interface SqliteMetadataStoreOptions {
  /** Database file; its directory is created when missing. `:memory:` works for throwaway stores. */
  path: string;
  /** How long a statement waits for another connection's write lock before failing (default 5000). */
  busyTimeoutMs?: number;
}

/** One schema step. Versions only grow; a released migration is never edited, only followed. */
interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'entries',
    sql: `
      CREATE TABLE entries (
        repo TEXT NOT NULL,
        path TEXT NOT NULL,
        digest TEXT NOT NULL,
        size INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        upstream_etag TEXT,
        upstream_last_modified TEXT,
        stored_at INTEGER NOT NULL,
        expires_at INTEGER,
        mutable INTEGER NOT NULL,
        PRIMARY KEY (repo, path)
      ) WITHOUT ROWID;
      CREATE INDEX entries_digest ON entries (digest);
    `,
  },
  {
    version: 2,
    name: 'entries.verified',
    // Rows from before this column may hold bytes never checked against their index.
    sql: 'ALTER TABLE entries ADD COLUMN verified INTEGER NOT NULL DEFAULT 0',
  },
  {
    version: 3,
    name: 'management api',
    // Access counts and an index per sort of the object browser (keyset pages); repositories
    // created through the management API.
    sql: `
      ALTER TABLE entries ADD COLUMN hits INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE entries ADD COLUMN last_access INTEGER;
      CREATE INDEX entries_repo_size ON entries (repo, size, path);
      CREATE INDEX entries_repo_stored ON entries (repo, stored_at, path);
      CREATE INDEX entries_repo_hits ON entries (repo, hits, path);
      CREATE TABLE repositories (
        name TEXT NOT NULL PRIMARY KEY,
        kind TEXT NOT NULL,
        definition TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'tokens',
    // Named access tokens: only the sha256 of each secret, looked up by it.
    sql: `
      CREATE TABLE tokens (
        id TEXT NOT NULL PRIMARY KEY,
        name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        last_used_at INTEGER
      ) WITHOUT ROWID;
    `,
  },
];

/**
 * Path → blob metadata in one SQLite file (Node's built-in `node:sqlite`), the embedded default.
 *
 * WAL with `synchronous=NORMAL`: a commit survives a process crash, and at worst the last
 * transactions are lost on power failure, which only costs a refetch. Calls are synchronous and
 * fast (microseconds, from the page cache), so they run on the event loop behind async signatures.
 */
export class SqliteMetadataStore implements MetadataStore {
  readonly kind = 'sqlite';
  readonly #db: DatabaseSync;
  // Our own flag: `DatabaseSync.isOpen` only exists from Node 22.15, and close() twice throws.
  #open = true;
  readonly #get: StatementSync;
  readonly #put: StatementSync;
  readonly #setExpiry: StatementSync;
  readonly #delete: StatementSync;
  readonly #countRefs: StatementSync;
  readonly #listRange: StatementSync;
  readonly #listFrom: StatementSync;
  readonly #browse = new Map<string, StatementSync>();
  readonly #access: StatementSync;

  constructor(options: SqliteMetadataStoreOptions) {
    if (typeof options?.path !== 'string' || options.path === '') {
      throw new AapiError('AAPI_ERR_CONFIG_INVALID', `options.path must be a non-empty string, got ${JSON.stringify(options?.path)}`);
    }
    const busy = options.busyTimeoutMs ?? 5000;
    if (!Number.isSafeInteger(busy) || busy < 0) {
      throw new AapiError('AAPI_ERR_CONFIG_INVALID', `options.busyTimeoutMs must be a non-negative integer, got ${busy}`);
    }
    let db: DatabaseSync | undefined;
    try {
      if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
      db = new DatabaseSync(options.path);
      // First, so that switching to WAL and migrating also wait for another process's lock
      // (the constructor's `timeout` option only exists from Node 22.16).
      db.exec(`PRAGMA busy_timeout = ${busy}`);
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
      migrate(db);
    } catch (err) {
      try {
        db?.close();
      } catch {
        // Already failing; the open error is the one to report.
      }
      throw unavailable(`cannot open ${options.path}`, err);
    }
    this.#db = db;
    this.#get = db.prepare(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE repo = ? AND path = ?`);
    // An upsert rather than INSERT OR REPLACE, which would reset the row's access counts.
    const updates = ENTRY_COLUMNS.split(', ')
      .filter((c) => c !== 'repo' && c !== 'path')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    this.#put = db.prepare(
      `INSERT INTO entries (${ENTRY_COLUMNS}) VALUES ` +
        '(@repo, @path, @digest, @size, @content_type, @upstream_etag, @upstream_last_modified, @stored_at, @expires_at, @mutable, @verified) ' +
        `ON CONFLICT (repo, path) DO UPDATE SET ${updates}`,
    );
    this.#access = db.prepare('UPDATE entries SET hits = hits + ?, last_access = max(coalesce(last_access, 0), ?) WHERE repo = ? AND path = ?');
    this.#setExpiry = db.prepare('UPDATE entries SET expires_at = ? WHERE repo = ? AND path = ?');
    this.#delete = db.prepare('DELETE FROM entries WHERE repo = ? AND path = ?');
    this.#countRefs = db.prepare('SELECT count(*) AS n FROM entries WHERE digest = ?');
    // A range on the primary key instead of LIKE: LIKE is case-insensitive and treats % and _ specially.
    this.#listRange = db.prepare(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE repo = ? AND path >= ? AND path < ? ORDER BY path LIMIT ?`,
    );
    this.#listFrom = db.prepare(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE repo = ? AND path >= ? ORDER BY path LIMIT ?`);
  }

  async get(repo: string, path: string): Promise<CacheEntry | undefined> {
    const row = this.#run(() => this.#get.get(repo, path)) as EntryRow | undefined;
    return row && fromRow(row);
  }

  async put(entry: CacheEntry): Promise<void> {
    const row = toRow(entry);
    this.#run(() => this.#put.run(row));
  }

  /** Does nothing when there is no entry for (repo, path). */
  async setExpiry(repo: string, path: string, expiresAt: number | null): Promise<void> {
    this.#run(() => this.#setExpiry.run(expiresAt, repo, path));
  }

  async delete(repo: string, path: string): Promise<boolean> {
    return this.#run(() => this.#delete.run(repo, path)).changes > 0;
  }

  async countDigestRefs(digest: string): Promise<number> {
    const row = this.#run(() => this.#countRefs.get(digest)) as { n: number } | undefined;
    return row?.n ?? 0;
  }

  /** Paths compare by code point (SQLite's BINARY collation), so `B` sorts before `a`. */
  async list(repo: string, prefix = '', limit?: number, from?: string): Promise<CacheEntry[]> {
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw new AapiError('AAPI_ERR_INTERNAL', `list limit must be a non-negative integer, got ${limit}`);
    }
    const max = limit ?? -1; // SQLite: a negative LIMIT means none
    const upper = prefixUpperBound(prefix);
    const lower = from !== undefined && from > prefix ? from : prefix;
    const rows = this.#run(() =>
      upper === undefined ? this.#listFrom.all(repo, lower, max) : this.#listRange.all(repo, lower, upper, max),
    ) as unknown as EntryRow[];
    return rows.map(fromRow);
  }

  async browse(query: BrowseQuery): Promise<BrowsedEntry[]> {
    const { sql, values } = browseSql('entries', query, 'instr(path, ?) > 0');
    const shape = browseShape(query);
    const rows = this.#run(() => {
      let statement = this.#browse.get(shape);
      if (!statement) {
        statement = this.#db.prepare(sql);
        this.#browse.set(shape, statement);
      }
      return statement.all(...(values as (string | number)[]));
    }) as unknown as BrowseRow[];
    return rows.map(fromBrowseRow);
  }

  async recordAccess(counts: readonly AccessCount[]): Promise<void> {
    if (counts.length === 0) return;
    this.#transaction(() => {
      for (const c of counts) this.#access.run(c.hits, c.at, c.repo, c.path);
    });
  }

  async usage(): Promise<StoreUsage> {
    return this.#run(() => {
      const repositories: StoreUsage['repositories'] = {};
      const rows = this.#db.prepare('SELECT repo, count(*) AS n, coalesce(sum(size), 0) AS b FROM entries GROUP BY repo').all() as {
        repo: string;
        n: number;
        b: number;
      }[];
      for (const r of rows) repositories[r.repo] = { objects: r.n, bytes: r.b };
      const blobs = this.#db
        .prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS b FROM (SELECT digest, max(size) AS size FROM entries GROUP BY digest)')
        .get() as { n: number; b: number };
      return { repositories, blobs: { count: blobs.n, bytes: blobs.b } };
    });
  }

  async listRepositories(): Promise<StoredRepository[]> {
    const rows = this.#run(() => this.#db.prepare(`SELECT ${REPOSITORY_COLUMNS} FROM repositories ORDER BY name`).all()) as unknown as RepositoryRow[];
    return rows.map(fromRepositoryRow);
  }

  async getRepository(name: string): Promise<StoredRepository | undefined> {
    const row = this.#run(() => this.#db.prepare(`SELECT ${REPOSITORY_COLUMNS} FROM repositories WHERE name = ?`).get(name)) as
      | RepositoryRow
      | undefined;
    return row && fromRepositoryRow(row);
  }

  async createRepository(repo: StoredRepository): Promise<boolean> {
    const sql = `INSERT INTO repositories (${REPOSITORY_COLUMNS}) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`;
    return this.#run(() => this.#db.prepare(sql).run(...repositoryParams(repo))).changes > 0;
  }

  async replaceRepository(repo: StoredRepository): Promise<boolean> {
    const sql = 'UPDATE repositories SET definition = ?, updated_at = ? WHERE name = ? AND kind = ?';
    return this.#run(() => this.#db.prepare(sql).run(JSON.stringify(repo.definition), repo.updatedAt, repo.name, repo.kind)).changes > 0;
  }

  async deleteRepository(name: string): Promise<boolean> {
    return this.#run(() => this.#db.prepare('DELETE FROM repositories WHERE name = ?').run(name)).changes > 0;
  }

  async listTokens(): Promise<StoredToken[]> {
    const rows = this.#run(() => this.#db.prepare(`SELECT ${TOKEN_COLUMNS} FROM tokens ORDER BY created_at, id`).all()) as unknown as TokenRow[];
    return rows.map(fromTokenRow);
  }

  async getTokenByHash(hash: string): Promise<StoredToken | undefined> {
    const row = this.#run(() => this.#db.prepare(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE hash = ?`).get(hash)) as TokenRow | undefined;
    return row && fromTokenRow(row);
  }

  async createToken(token: StoredToken): Promise<void> {
    this.#run(() => this.#db.prepare(`INSERT INTO tokens (${TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(...tokenParams(token)));
  }

  async deleteToken(id: string): Promise<boolean> {
    return this.#run(() => this.#db.prepare('DELETE FROM tokens WHERE id = ?').run(id)).changes > 0;
  }

  async touchToken(id: string, at: number): Promise<void> {
    this.#run(() => this.#db.prepare('UPDATE tokens SET last_used_at = max(coalesce(last_used_at, 0), ?) WHERE id = ?').run(at, id));
  }

  async ping(): Promise<void> {
    this.#run(() => this.#db.prepare('SELECT 1').get());
  }

  /** Closes the database; later calls reject with AAPI_ERR_METADATA_UNAVAILABLE. Idempotent. */
  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    this.#db.close();
  }

  /** The schema version of the open database, for diagnostics. */
  get schemaVersion(): number {
    return currentVersion(this.#db);
  }

  #transaction(fn: () => void): void {
    this.#run(() => {
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        fn();
        this.#db.exec('COMMIT');
      } catch (err) {
        this.#db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  #run<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw unavailable('query failed', err);
    }
  }
}

/** Applies the migrations this database has not seen yet, all in one transaction. */
function migrate(db: DatabaseSync): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  // IMMEDIATE takes the write lock first, so two processes opening one file do not both migrate.
  db.exec('BEGIN IMMEDIATE');
  try {
    const current = currentVersion(db);
    if (current > latest) {
      throw new Error(`database schema version ${current} is newer than this build knows (${latest})`);
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
    }
    db.exec('COMMIT');
  } catch (err) {
    try {
      db.exec('ROLLBACK');
    } catch {
      // SQLite may have rolled back by itself (e.g. on SQLITE_FULL); the first error is the one to report.
    }
    throw err;
  }
}

function currentVersion(db: DatabaseSync): number {
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

/** Named parameters for the put statement; node:sqlite binds no booleans, so `mutable` and `verified` are 0 or 1. */
function toRow(e: CacheEntry) {
  // An object literal type (not the EntryRow interface) so that it fits node:sqlite's parameter record.
  return {
    repo: e.repo,
    path: e.path,
    digest: e.digest,
    size: e.size,
    content_type: e.contentType,
    upstream_etag: e.upstreamEtag ?? null,
    upstream_last_modified: e.upstreamLastModified ?? null,
    stored_at: e.storedAt,
    expires_at: e.expiresAt ?? null,
    mutable: e.mutable ? 1 : 0,
    verified: e.verified ? 1 : 0,
  } satisfies EntryRow;
}

function unavailable(detail: string, cause: unknown): AapiError {
  if (cause instanceof AapiError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AapiError('AAPI_ERR_METADATA_UNAVAILABLE', `sqlite: ${detail}: ${reason}`, { cause });
}
