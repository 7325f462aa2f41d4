import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import test from 'ava';

const PROCESSES = 8;

/** Opens the store in a fresh node process once the clock reaches `startAt`; resolves with its exit code and output. */
function openInChild(path: string, startAt: number): Promise<{ code: number | null; out: string }> {
  const store = new URL('../src/metadata/index.js', import.meta.url).href;
  // Spin until a common instant, so the opens overlap instead of following process start-up order.
  const script = `
    import { SqliteMetadataStore } from ${JSON.stringify(store)};
    while (Date.now() < ${startAt});
    const s = new SqliteMetadataStore({ path: process.argv[1] });
    console.log(s.schemaVersion);
    await s.close();
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

// Guards the BEGIN IMMEDIATE around the migrations: with a deferred transaction the processes all
// read version 0, then all but one fail to take the write lock (or apply the steps twice).
test('sqlite metadata store: processes opening one new file at once migrate it exactly once', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'aapi-meta-'));
  try {
    const path = join(dir, 'metadata.db');
    // A file already in WAL mode with the (empty) migrations table, as a crash right after creating
    // it leaves it: switching to WAL and creating that table would otherwise serialise the opens.
    const init = new DatabaseSync(path);
    init.exec('PRAGMA journal_mode = WAL');
    init.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    init.close();
    const startAt = Date.now() + 1500;
    const results = await Promise.all(Array.from({ length: PROCESSES }, () => openInChild(path, startAt)));
    for (const r of results) t.deepEqual([r.code, r.out.trim()], [0, '4'], r.out);
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const applied = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all().map((row) => row['version']);
      t.deepEqual(applied, [1, 2, 3, 4]);
    } finally {
      db.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
