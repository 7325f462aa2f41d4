// The management API's object browser on a repository of 100,000 cached objects (issue 14):
// fills the metadata store directly (SQLite, and PostgreSQL when reachable), starts the product
// on it, and times page requests over HTTP, first pages and deep ones reached by cursor, for
// each sort, a prefix and a substring search. Pages are keyset queries on an index; the target
// is a page in under 50 ms. Prints Markdown on stdout, progress on stderr.
//
//   npx tsc -b && node bench/api-browse.js          (BENCH_API_OBJECTS=100000, BENCH_PG_URL=…)
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pgPromise from 'pg-promise';
import { PostgresMetadataStore, SqliteMetadataStore } from '../core/dist/src/metadata/index.js';
import { stop, track, trackDir, onInterrupt } from './lib/cleanup.js';
import { machine } from './lib/machine.js';
import { freePort, waitReady } from './lib/net.js';
import { pgAdminUrl } from './lib/settings.js';

const OBJECTS = Number(process.env.BENCH_API_OBJECTS) || 100_000;
const TOKEN = 'bench-admin-token';
const REPO = 'big';
const CLI = new URL('../core/bin/artifactapi.js', import.meta.url).pathname;
const log = (line) => process.stderr.write(`[api-browse] ${line}\n`);

/** Entry i: paths spread over 100 directories, sizes, ages and hit counts that do not follow path order. */
function entry(i) {
  const now = Date.now();
  return {
    repo: REPO,
    path: `pkg-${String(i % 100).padStart(2, '0')}/file-${String(i).padStart(6, '0')}.tgz`,
    digest: (i.toString(16).padStart(8, '0') + 'a'.repeat(56)).slice(0, 64),
    size: ((i * 7919) % 5_000_000) + 100,
    contentType: 'application/octet-stream',
    upstreamEtag: null,
    upstreamLastModified: null,
    storedAt: now - ((i * 104_729) % 86_400_000),
    expiresAt: null,
    mutable: false,
    verified: true,
    hits: (i * 31) % 1000,
  };
}

async function fillSqlite(dataDir) {
  const store = new SqliteMetadataStore({ path: join(dataDir, 'metadata.db') });
  for (let i = 0; i < OBJECTS; i++) await store.put(entry(i));
  const counts = [];
  for (let i = 0; i < OBJECTS; i++) counts.push({ repo: REPO, path: entry(i).path, hits: entry(i).hits, at: Date.now() });
  await store.recordAccess(counts);
  await store.close();
  return undefined;
}

async function fillPostgres() {
  const pgp = pgPromise({ noWarnings: true });
  const admin = pgp({ connectionString: pgAdminUrl, connectionTimeoutMillis: 3000 });
  const name = `aapi_bench_browse_${process.pid}`;
  await admin.none('CREATE DATABASE $1:name', [name]);
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  const drop = () => admin.none('DROP DATABASE IF EXISTS $1:name WITH (FORCE)', [name]).finally(() => pgp.end());
  const forget = onInterrupt(drop);
  const store = await PostgresMetadataStore.open({ url: url.href });
  await store.close();
  const db = pgp({ connectionString: url.href });
  const columns = new pgp.helpers.ColumnSet(
    ['repo', 'path', 'digest', 'size', 'content_type', 'upstream_etag', 'upstream_last_modified', 'stored_at', 'expires_at', 'mutable', 'verified', 'hits'],
    { table: 'entries' },
  );
  for (let start = 0; start < OBJECTS; start += 5000) {
    const rows = [];
    for (let i = start; i < Math.min(OBJECTS, start + 5000); i++) {
      const e = entry(i);
      rows.push({ ...e, content_type: e.contentType, upstream_etag: null, upstream_last_modified: null, stored_at: e.storedAt, expires_at: null });
    }
    await db.none(pgp.helpers.insert(rows, columns));
  }
  await db.none('ANALYZE entries');
  await db.$pool.end();
  return { url: url.href, cleanup: async () => (forget(), drop()) };
}

async function startProduct(dataDir, metadataUrl) {
  const port = await freePort();
  const config = join(dataDir, 'config.yaml');
  writeFileSync(
    config,
    [
      `auth: { admin_token: ${TOKEN} }`,
      'log: { level: warn }',
      ...(metadataUrl ? [`metadata: { type: postgres, url: '${metadataUrl}' }`] : []),
      'remotes:',
      `  ${REPO}: { type: remote, package: generic, base_url: "http://127.0.0.1:9" }`,
      '',
    ].join('\n'),
  );
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|DB[A-Z]+|REDIS_URL|S3_.*|MINIO_.*)$/.test(k)));
  const child = track(spawn(process.execPath, [CLI, 'serve', '--config', config, '--listen', `127.0.0.1:${port}`, '--data', dataDir], { stdio: 'ignore', env }));
  await waitReady(port, '/health', { child, name: 'artifactapi', timeoutMs: 60_000 });
  return { child, base: `http://127.0.0.1:${port}` };
}

async function page(base, query) {
  const started = performance.now();
  const res = await fetch(`${base}/api/v2/remotes/${REPO}/objects?${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = await res.json();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`${query}: ${res.status} ${JSON.stringify(body)}`);
  return { ms, body };
}

/** Walks `pages` pages of a listing by cursor; the time of each page. */
async function walk(base, query, pages) {
  const times = [];
  let cursor = null;
  let rows = 0;
  for (let n = 0; n < pages; n++) {
    const { ms, body } = await page(base, cursor === null ? query : `${query}&cursor=${encodeURIComponent(cursor)}`);
    times.push(ms);
    rows += body.objects.length;
    cursor = body.next_cursor;
    if (cursor === null) break;
  }
  return { times, rows };
}

/** The same request `n` times. */
async function repeat(base, query, n) {
  const times = [];
  let rows = 0;
  for (let i = 0; i < n; i++) {
    const { ms, body } = await page(base, query);
    times.push(ms);
    rows = body.objects.length;
  }
  return { times, rows };
}

function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

async function measure(label, base) {
  for (let i = 0; i < 20; i++) await page(base, 'limit=100'); // warm-up: JIT, connections, page cache
  const cases = [
    ['first page, path order, limit=100', () => repeat(base, 'limit=100', 100)],
    ['every page by cursor, path order, limit=1000', () => walk(base, 'limit=1000', OBJECTS / 1000 + 1)],
    ['300 pages by cursor, sort=size desc, limit=100', () => walk(base, 'sort=size&order=desc&limit=100', 300)],
    ['300 pages by cursor, sort=hits desc, limit=100', () => walk(base, 'sort=hits&order=desc&limit=100', 300)],
    ['300 pages by cursor, sort=cached_at desc, limit=100', () => walk(base, 'sort=cached_at&order=desc&limit=100', 300)],
    ['prefix=pkg-42/ (1,000 objects), limit=100', () => repeat(base, 'prefix=pkg-42/&limit=100', 100)],
    ['q=file-0999 (substring: 100 matches, a scan), limit=100', () => repeat(base, 'q=file-0999&limit=100', 30)],
  ];
  const rows = [];
  for (const [name, run] of cases) {
    log(`${label}: ${name}`);
    const { times, rows: objects } = await run();
    const s = summary(times);
    rows.push(`| ${label} | ${name} | ${s.n} | ${objects} | ${s.p50.toFixed(1)} | ${s.p95.toFixed(1)} | ${s.max.toFixed(1)} |`);
  }
  return rows;
}

const lines = [];
const targets = (process.env.BENCH_TARGETS ?? 'sqlite,postgres').split(',');
for (const target of targets) {
  const dataDir = trackDir(mkdtempSync(join(tmpdir(), 'aapi-bench-browse-')));
  let pg;
  if (target === 'postgres') {
    try {
      log(`filling PostgreSQL with ${OBJECTS} entries`);
      pg = await fillPostgres();
    } catch (err) {
      log(`postgres skipped: ${err.message}`);
      lines.push(`| postgres | skipped: ${err.message} | | | | | |`);
      continue;
    }
  } else {
    log(`filling SQLite with ${OBJECTS} entries`);
    await fillSqlite(dataDir);
  }
  const product = await startProduct(dataDir, pg?.url);
  try {
    lines.push(...(await measure(target, product.base)));
  } finally {
    await stop(product.child);
    await pg?.cleanup();
  }
}

process.stdout.write(`${machine()}\n- objects in the repository: ${OBJECTS}\n\n`);
process.stdout.write('| metadata | request | pages | objects (last page, or rows walked) | p50 ms | p95 ms | max ms |\n| --- | --- | --- | --- | --- | --- | --- |\n');
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(0);
