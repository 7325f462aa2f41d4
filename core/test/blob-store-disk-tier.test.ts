import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { DiskTieredBlobStore } from '../src/storage/disk-tiered-blob-store.js';
import { S3BlobStore } from '../src/storage/index.js';
import type { S3BlobStoreOptions } from '../src/storage/index.js';
import { blobStoreConformance, collect, putBlob, sha256 } from './conformance/blob-store-conformance.js';
import { startS3RequestLog } from './helpers/s3-request-log.js';
import type { S3RequestLog } from './helpers/s3-request-log.js';
import { startS3rver } from './helpers/s3rver.js';

const run = promisify(execFile);
const KiB = 1024;
const MiB = 1024 * KiB;

// s3rver is started by this file itself, so these tests never depend on a service of the machine.
const s3 = await startS3rver();
test.after.always(async () => {
  await s3.close();
});

function storeOptions(endpoint: string, prefix: string): S3BlobStoreOptions {
  return {
    bucket: s3.bucket,
    endpoint,
    region: 'us-east-1',
    access_key_id: s3.accessKeyId,
    secret_access_key: s3.secretAccessKey,
    force_path_style: true,
    prefix,
    orphanAgeMs: 0,
  };
}

interface Tiered {
  /** The store under test: S3 through the request log, with a disk tier in `tierPath`. */
  store: DiskTieredBlobStore;
  /** The same bucket and prefix without tier or log, to put blobs in S3 only. */
  direct: S3BlobStore;
  /** Every request the store under test sent to S3. */
  log: S3RequestLog;
  tierPath: string;
  prefix: string;
  /** Another tiered store on the same bucket, prefix and tier directory, as after a restart. */
  reopen(): DiskTieredBlobStore;
}

async function tiered(t: ExecutionContext, options: { maxBytes?: number; tierPath?: string } = {}): Promise<Tiered> {
  const prefix = `run-${randomBytes(6).toString('hex')}/`;
  const log = await startS3RequestLog(s3);
  const tierPath = options.tierPath ?? (await mkdtemp(join(tmpdir(), 'aapi-disk-tier-')));
  const made: S3BlobStore[] = [];
  const open = (): DiskTieredBlobStore => {
    const inner = new S3BlobStore(storeOptions(log.endpoint, prefix));
    made.push(inner);
    return new DiskTieredBlobStore(inner, { path: tierPath, maxBytes: options.maxBytes ?? 64 * MiB });
  };
  const direct = new S3BlobStore(storeOptions(s3.endpoint, prefix));
  t.teardown(async () => {
    for (const store of [...made, direct]) await store.close();
    await log.close();
    if (options.tierPath === undefined) await rm(tierPath, { recursive: true, force: true });
  });
  return { store: open(), direct, log, tierPath, prefix, reopen: open };
}

function copyPath(tierPath: string, digest: string): string {
  return join(tierPath, 'sha256', digest.slice(0, 2), digest);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** GetObject requests for `digest`'s key (HEAD and the rest are counted apart). */
function s3Gets(log: S3RequestLog, digest: string): number {
  return log.count('GET', `/${digest}`);
}

// Every BlobStore behaviour holds with the tier in front; reopen() shares the tier directory.
blobStoreConformance(test, 's3 + disk tier', { localPath: false }, async () => {
  const prefix = `run-${randomBytes(6).toString('hex')}/`;
  const tierPath = await mkdtemp(join(tmpdir(), 'aapi-disk-tier-'));
  const made: S3BlobStore[] = [];
  const open = (): DiskTieredBlobStore => {
    const inner = new S3BlobStore(storeOptions(s3.endpoint, prefix));
    made.push(inner);
    return new DiskTieredBlobStore(inner, { path: tierPath, maxBytes: 64 * MiB });
  };
  const store = open();
  return {
    store,
    reopen: async () => open(),
    cleanup: async () => {
      for await (const { digest } of store.list()) await store.delete(digest);
      for (const each of made) await each.close();
      await rm(tierPath, { recursive: true, force: true });
    },
  };
});

test('a blob read once is read again from the disk tier: no S3 request, not even a HEAD', async (t) => {
  const { store, direct, log, tierPath } = await tiered(t);
  const bytes = randomBytes(3 * MiB + 17);
  const digest = await putBlob(direct, bytes);

  t.deepEqual(await collect(await store.read(digest)), bytes);
  t.is(s3Gets(log, digest), 1, 'the first read goes to S3');
  t.true(await exists(copyPath(tierPath, digest)), 'and leaves a copy');
  log.reset();

  t.deepEqual(await store.stat(digest), { size: bytes.length });
  t.deepEqual(await collect(await store.read(digest)), bytes);
  t.deepEqual(await store.readAll(digest), bytes);
  t.deepEqual(log.requests, [], 'stat, read and readAll of a local copy send nothing to S3');
  t.like(store.stats(), { hits: 2, misses: 1, fills: 1, bytes: bytes.length, entries: 1 });
});

test('a blob this replica wrote is local at once: its first read sends nothing to S3', async (t) => {
  const { store, log, tierPath } = await tiered(t);
  const bytes = randomBytes(2 * MiB);
  const digest = await putBlob(store, bytes, 7);
  t.true(await exists(copyPath(tierPath, digest)));
  t.deepEqual(await readdir(join(tierPath, 'tmp')), [], 'no fill left behind');
  log.reset();
  t.deepEqual(await collect(await store.read(digest)), bytes);
  t.deepEqual(log.requests, []);
});

test('a writer that aborts leaves no copy in the tier', async (t) => {
  const { store, tierPath } = await tiered(t);
  const writer = await store.beginWrite();
  await new Promise<void>((resolve, reject) => writer.stream.write(randomBytes(100 * KiB), (err) => (err ? reject(err) : resolve())));
  await writer.abort();
  t.deepEqual(await readdir(join(tierPath, 'tmp')), []);
  t.deepEqual(await readdir(join(tierPath, 'sha256')), []);
});

test('range reads of a local copy come from the file, byte-exact, with no S3 request', async (t) => {
  const { store, direct, log } = await tiered(t);
  const bytes = randomBytes(5 * MiB);
  const digest = await putBlob(direct, bytes);
  // A range read on a miss goes to S3 and does not fill (it would cost the whole body).
  t.deepEqual(await collect(await store.read(digest, { start: 10, end: 19 })), bytes.subarray(10, 20));
  t.is(store.stats().entries, 0);
  await collect(await store.read(digest));
  log.reset();
  for (const [start, end] of [
    [0, 0],
    [1, 2 * MiB + 5],
    [5 * MiB - 100, 5 * MiB - 1],
  ] as const) {
    t.deepEqual(await collect(await store.read(digest, { start, end })), bytes.subarray(start, end + 1), `bytes=${start}-${end}`);
  }
  t.deepEqual(log.requests, []);
});

test('over max_bytes the least recently used copy goes first; an evicted blob is read from S3 again', async (t) => {
  const { store, direct, log, tierPath } = await tiered(t, { maxBytes: 250 * KiB });
  const [a, b, c] = [randomBytes(100 * KiB), randomBytes(100 * KiB), randomBytes(100 * KiB)];
  const [da, db, dc] = [await putBlob(direct, a), await putBlob(direct, b), await putBlob(direct, c)];
  await collect(await store.read(da));
  await collect(await store.read(db));
  await collect(await store.read(da)); // a is now more recent than b
  await collect(await store.read(dc)); // 300 KiB > 250 KiB: b goes
  t.like(store.stats(), { evictions: 1, entries: 2, bytes: 200 * KiB });
  await Promise.resolve(); // the eviction's unlink was started synchronously
  t.true(await exists(copyPath(tierPath, da)));
  t.true(await exists(copyPath(tierPath, dc)));
  t.false(await exists(copyPath(tierPath, db)), 'the evicted copy is deleted from disk');
  log.reset();
  t.deepEqual(await collect(await store.read(db)), b);
  t.deepEqual(await collect(await store.read(dc)), c);
  t.is(s3Gets(log, db), 1);
  t.is(s3Gets(log, dc), 0);
});

test('a blob larger than the tier is served from S3 and never copied', async (t) => {
  const { store, direct, tierPath } = await tiered(t, { maxBytes: 64 * KiB });
  const bytes = randomBytes(200 * KiB);
  const digest = await putBlob(direct, bytes);
  t.deepEqual(await collect(await store.read(digest)), bytes);
  t.like(store.stats(), { entries: 0, fill_failures: 1 });
  t.false(await exists(copyPath(tierPath, digest)));
  t.deepEqual(await readdir(join(tierPath, 'tmp')), []);
});

test('a local copy with a flipped byte is detected, deleted and read from S3: the damaged bytes are never served', async (t) => {
  const { store, direct, log, tierPath } = await tiered(t);
  const bytes = randomBytes(3 * MiB);
  const digest = await putBlob(direct, bytes);
  await collect(await store.read(digest));
  const file = await open(copyPath(tierPath, digest), 'r+');
  const one = Buffer.alloc(1);
  await file.read(one, 0, 1, 2 * MiB);
  one[0] ^= 0x01;
  await file.write(one, 0, 1, 2 * MiB);
  await file.close();
  log.reset();

  t.deepEqual(await collect(await store.read(digest)), bytes, 'a whole read');
  t.is(s3Gets(log, digest), 1, 'came from S3');
  t.like(store.stats(), { corrupt: 1, fills: 2 });
  log.reset();
  t.deepEqual(await collect(await store.read(digest, { start: 2 * MiB, end: 2 * MiB + 9 })), bytes.subarray(2 * MiB, 2 * MiB + 10));
  t.deepEqual(log.requests, [], 'the refetch left a good copy');
});

test('a local copy of the wrong size is detected without hashing and read from S3', async (t) => {
  const { store, direct, log, tierPath } = await tiered(t);
  const bytes = randomBytes(MiB);
  const digest = await putBlob(direct, bytes);
  await collect(await store.read(digest));
  await truncate(copyPath(tierPath, digest), MiB - 1);
  log.reset();
  t.deepEqual(await store.readAll(digest), bytes);
  t.is(s3Gets(log, digest), 1);
  t.like(store.stats(), { corrupt: 1 });
});

test('concurrent misses of one blob all get the whole body and leave one copy', async (t) => {
  const { store, direct, tierPath } = await tiered(t);
  const bytes = randomBytes(4 * MiB);
  const digest = await putBlob(direct, bytes);
  const bodies = await Promise.all(Array.from({ length: 6 }, async () => collect(await store.read(digest))));
  for (const body of bodies) t.is(sha256(body), digest);
  t.like(store.stats(), { fills: 1, entries: 1 });
  t.deepEqual(await readdir(join(tierPath, 'tmp')), []);
  t.deepEqual(await readdir(join(tierPath, 'sha256', digest.slice(0, 2))), [digest]);
});

test('a reader that stops early leaves no copy and no temporary file', async (t) => {
  const { store, direct, tierPath } = await tiered(t);
  const digest = await putBlob(direct, randomBytes(4 * MiB));
  const body = await store.read(digest);
  await new Promise<void>((resolve) => body.once('data', () => resolve()));
  body.destroy();
  await new Promise((resolve) => body.once('close', resolve));
  // The fill is dropped asynchronously after the stream closes.
  for (let i = 0; i < 50 && (await readdir(join(tierPath, 'tmp'))).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  t.deepEqual(await readdir(join(tierPath, 'tmp')), []);
  t.false(await exists(copyPath(tierPath, digest)));
  t.is(store.stats().entries, 0);
});

test('after a restart the copies on disk are used (each hashed once before its first use), and a copy damaged while down is refetched', async (t) => {
  const { store, direct, log, tierPath, reopen } = await tiered(t);
  const good = randomBytes(2 * MiB);
  const damaged = randomBytes(2 * MiB);
  const [dg, dd] = [await putBlob(direct, good), await putBlob(direct, damaged)];
  await collect(await store.read(dg));
  await collect(await store.read(dd));
  const file = await open(copyPath(tierPath, dd), 'r+');
  await file.write(Buffer.from('X'), 0, 1, 0);
  await file.close();
  log.reset();

  const restarted = reopen();
  t.deepEqual(await restarted.stat(dg), { size: good.length });
  t.deepEqual(await collect(await restarted.read(dg)), good);
  t.deepEqual(await collect(await restarted.read(dd)), damaged);
  t.is(s3Gets(log, dg), 0, 'the good copy survived the restart');
  t.is(s3Gets(log, dd), 1, 'the damaged one was read from S3');
  t.like(restarted.stats(), { hits: 1, corrupt: 1, entries: 2 });
});

test('a restart with a smaller max_bytes evicts down to it and empties tmp/', async (t) => {
  const { store, direct, tierPath, prefix } = await tiered(t);
  for (let i = 0; i < 4; i++) await collect(await store.read(await putBlob(direct, randomBytes(100 * KiB))));
  const stray = join(tierPath, 'tmp', 'left-by-a-crash');
  await (await open(stray, 'w')).close();
  const smaller = new DiskTieredBlobStore(new S3BlobStore(storeOptions(s3.endpoint, prefix)), { path: tierPath, maxBytes: 250 * KiB });
  t.teardown(() => smaller.close());
  await smaller.cleanOrphans();
  t.like(smaller.stats(), { entries: 2, bytes: 200 * KiB, evictions: 2 });
  t.false(await exists(stray));
});

test('a disk that fills up during a fill: the read still gets every byte from S3, the partial copy is removed', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'aapi-disk-tier-full-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  // A real ENOSPC needs a filesystem that can be made small: a 1 MiB tmpfs, which needs root.
  const mounted = await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).then(
    () => true,
    (err: unknown) => err,
  );
  if (mounted !== true) {
    if (process.getuid?.() === 0) throw mounted;
    t.log('not root: cannot mount a tmpfs, so ENOSPC cannot be caused for real here; skipped');
    t.pass();
    return;
  }
  t.teardown(() => run('umount', [dir]).catch(() => run('umount', ['-l', dir])));
  const { store, direct, log } = await tiered(t, { tierPath: dir });
  const bytes = randomBytes(3 * MiB);
  const digest = await putBlob(direct, bytes);

  t.deepEqual(await collect(await store.read(digest)), bytes, 'read-through onto a full disk');
  t.like(store.stats(), { fill_failures: 1, entries: 0 });
  t.deepEqual(await readdir(join(dir, 'tmp')), [], 'the partial copy is gone, so the space is back');
  const written = randomBytes(3 * MiB);
  const writtenDigest = await putBlob(store, written);
  t.like(store.stats(), { fill_failures: 2, entries: 0 });
  t.deepEqual(await readdir(join(dir, 'tmp')), []);
  log.reset();
  t.deepEqual(await store.readAll(writtenDigest), written, 'a write onto a full disk still committed to S3');
  t.is(s3Gets(log, writtenDigest), 1);
});

test('a disk tier directory that cannot be used is logged once and every call goes to S3', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'aapi-disk-tier-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const notADirectory = join(dir, 'file');
  await writeFile(notADirectory, 'in the way');
  const warnings: string[] = [];
  const prefix = `run-${randomBytes(6).toString('hex')}/`;
  const store = new DiskTieredBlobStore(new S3BlobStore(storeOptions(s3.endpoint, prefix)), {
    path: notADirectory,
    maxBytes: MiB,
    log: { warn: (_obj, msg) => void warnings.push(msg) },
  });
  t.teardown(() => store.close());
  const bytes = randomBytes(100 * KiB);
  const digest = await putBlob(store, bytes);
  t.deepEqual(await collect(await store.read(digest)), bytes);
  t.deepEqual(await store.readAll(digest), bytes);
  t.deepEqual(warnings, ['the disk cache directory cannot be used; every read goes to the blob store']);
  t.like(store.stats(), { hits: 0, misses: 2, entries: 0 });
});
