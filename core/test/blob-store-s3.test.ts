import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { S3BlobStore } from '../src/storage/index.js';
import { fitToRange } from '../src/storage/s3-range.js';
import type { S3BlobStoreOptions } from '../src/storage/index.js';
import { blobStoreConformance, collect, putBlob, sha256 } from './conformance/blob-store-conformance.js';
import { startS3rver } from './helpers/s3rver.js';
import { startS3RequestLog } from './helpers/s3-request-log.js';
import { s3StoreOptions } from './helpers/s3-blobs.js';

// s3rver is started by this file itself, so these tests never depend on a service of the machine.
const s3 = await startS3rver();
test.after.always(async () => {
  await s3.close();
});

/** A prefix of its own per test, so tests sharing the one s3rver never see each other's keys. */
function uniquePrefix(): string {
  return `run-${randomBytes(6).toString('hex')}/`;
}

/** Every key under the store's prefix, straight from S3. */
async function keysOf(store: S3BlobStore): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await store.client.send(
      new ListObjectsV2Command({ Bucket: store.bucket, Prefix: store.prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) keys.push(object.Key!.slice(store.prefix.length));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys.sort();
}

async function removeAll(store: S3BlobStore): Promise<void> {
  for (const key of await keysOf(store)) {
    await store.client.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: store.prefix + key }));
  }
}

/** Runs `body` on a store with a fresh prefix; removes its keys and closes it afterwards. */
async function withStore(extra: Partial<S3BlobStoreOptions>, body: (store: S3BlobStore) => Promise<void>): Promise<void> {
  const store = new S3BlobStore(s3StoreOptions(s3, uniquePrefix(), extra));
  try {
    await body(store);
  } finally {
    await removeAll(store).catch(() => undefined);
    await store.close();
  }
}

// orphanAgeMs 0: the suite expects a restart to clear what a crashed writer left at once, which is
// the right setting for a bucket used by one process (the default 24 h is for shared buckets).
blobStoreConformance(test, 's3', { localPath: false }, async () => {
  const prefix = uniquePrefix();
  const made: S3BlobStore[] = [];
  const open = (): S3BlobStore => {
    const store = new S3BlobStore(s3StoreOptions(s3, prefix, { orphanAgeMs: 0 }));
    made.push(store);
    return store;
  };
  const store = open();
  return {
    store,
    reopen: async () => open(),
    cleanup: async () => {
      await removeAll(store);
      for (const each of made) await each.close();
    },
  };
});

const MiB = 1024 * 1024;

/** Deterministic bytes, made chunk by chunk so the test itself never holds the body. */
function chunkOf(index: number, size: number): Buffer {
  const chunk = Buffer.alloc(size, index & 0xff);
  chunk.writeUInt32BE(index, 0);
  return chunk;
}

/**
 * Writes `total` bytes in 64 KiB chunks through `stream` with backpressure and returns their
 * sha256; `probe` runs after every 4 MiB.
 */
async function streamBody(stream: NodeJS.WritableStream, total: number, probe?: () => void): Promise<string> {
  const hash = createHash('sha256');
  const size = 64 * 1024;
  for (let i = 0; i * size < total; i++) {
    const chunk = chunkOf(i, Math.min(size, total - i * size));
    hash.update(chunk);
    // once() rejects on 'error': a writer whose upload failed is destroyed and never drains.
    if (!stream.write(chunk)) await once(stream, 'drain');
    if (probe && ((i + 1) * size) % (4 * MiB) === 0) probe();
  }
  return hash.digest('hex');
}

// A full GC before each reading, so that the figure is what is still referenced (what whole-body
// buffering grows) rather than garbage the collector has not got to yet.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Heap and Buffer memory still referenced after a full collection. */
function liveMemory(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

// Serial: ava runs serial tests before the concurrent ones, so no other test's buffers count.
test.serial('s3 blob store: an 80 MiB body of unknown length goes up as multipart with flat memory', async (t) => {
  await withStore({}, async (store) => {
    const total = 80 * MiB + 12_345;
    const baseline = liveMemory();
    let peak = 0;
    const writer = await store.beginWrite();
    const digest = await streamBody(writer.stream, total, () => {
      peak = Math.max(peak, liveMemory() - baseline);
    });
    await writer.commit(digest);
    // Whole-body buffering would hold more and more, 76 MiB at the last probe. Streaming holds a
    // bounded amount whatever the body's size: two 8 MiB parts in flight, the chunk list the next
    // part is concatenated from and the part being filled, about 24-34 MiB as measured here.
    t.log(`peak growth of memory in use: ${(peak / MiB).toFixed(1)} MiB`);
    t.true(peak < 50 * MiB, `memory in use grew by ${(peak / MiB).toFixed(1)} MiB`);
    t.deepEqual(await store.stat(digest), { size: total });
    const back = createHash('sha256');
    let length = 0;
    for await (const chunk of await store.read(digest)) {
      back.update(chunk as Buffer);
      length += (chunk as Buffer).length;
    }
    t.is(length, total);
    t.is(back.digest('hex'), digest);
    t.deepEqual(await keysOf(store), [`blobs/sha256/${digest.slice(0, 2)}/${digest}`], 'the temporary object is gone');
  });
});

test('s3 blob store: nothing exists at the final key until commit, even with parts uploaded', async (t) => {
  await withStore({}, async (store) => {
    const writer = await store.beginWrite();
    const digest = await streamBody(writer.stream, 20 * MiB);
    t.deepEqual(await keysOf(store), [], 'a multipart upload is no object before it completes');
    t.is(await store.stat(digest), undefined);
    const listed = [];
    for await (const item of store.list()) listed.push(item);
    t.deepEqual(listed, []);
    await writer.commit(digest);
    t.deepEqual(await store.stat(digest), { size: 20 * MiB });
    t.deepEqual(await keysOf(store), [`blobs/sha256/${digest.slice(0, 2)}/${digest}`]);
  });
});

test('s3 blob store: abort during a multipart upload leaves no temporary key', async (t) => {
  await withStore({}, async (store) => {
    const writer = await store.beginWrite();
    await streamBody(writer.stream, 12 * MiB);
    await writer.abort();
    t.deepEqual(await keysOf(store), []);
    await t.throwsAsync(writer.commit('a'.repeat(64)));
  });
});

test('s3 blob store: committing a blob that exists already keeps one copy and drops the temporary key', async (t) => {
  await withStore({}, async (store) => {
    const bytes = Buffer.from('the same bytes twice');
    const digest = await putBlob(store, bytes);
    t.is(await putBlob(store, bytes), digest);
    t.deepEqual(await keysOf(store), [`blobs/sha256/${digest.slice(0, 2)}/${digest}`]);
    t.deepEqual(await store.readAll(digest), bytes);
  });
});

test('s3 blob store: cleanOrphans spares young temporary objects unless orphanAgeMs allows', async (t) => {
  const prefix = uniquePrefix();
  const shared = new S3BlobStore(s3StoreOptions(s3, prefix)); // default: 24 h
  const eager = new S3BlobStore(s3StoreOptions(s3, prefix, { orphanAgeMs: 0 }));
  try {
    // A writer that died between its upload and its commit: the whole body is at a temporary key.
    const crashed = await shared.beginWrite();
    crashed.stream.end(Buffer.alloc(1000, 1));
    for (let tries = 0; (await keysOf(shared)).length === 0; tries++) {
      if (tries === 100) throw new Error('the upload never reached its temporary key');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    t.is(await shared.cleanOrphans(), 0, 'another replica may still be writing it');
    t.is((await keysOf(shared)).length, 1);
    t.is(await eager.cleanOrphans(), 1);
    t.deepEqual(await keysOf(shared), []);
    await crashed.abort();
  } finally {
    await removeAll(shared).catch(() => undefined);
    await shared.close();
    await eager.close();
  }
});

test('s3 blob store: keys honour the prefix; list skips keys that are not blobs', async (t) => {
  await withStore({}, async (store) => {
    const digest = await putBlob(store, Buffer.from('real'));
    const stray = [`blobs/sha256/${digest.slice(0, 2)}/.keep`, `blobs/sha256/ff/${'e'.repeat(64)}`, `blobs/sha256/xx/${digest}/extra`];
    for (const key of stray) {
      await store.client.send(new PutObjectCommand({ Bucket: store.bucket, Key: store.prefix + key, Body: new Uint8Array(1), ContentLength: 1 }));
    }
    const listed = [];
    for await (const item of store.list()) listed.push(item);
    t.deepEqual(listed, [{ digest, size: 4 }]);
    t.true(store.prefix.startsWith('run-') && store.prefix.endsWith('/'));
  });
});

test('s3 blob store: a range past the end is AAPI_ERR_RANGE_NOT_SATISFIABLE', async (t) => {
  await withStore({}, async (store) => {
    const digest = await putBlob(store, Buffer.from('short'));
    const err = await t.throwsAsync(store.read(digest, { start: 100, end: 200 }));
    t.is((err as { code?: string }).code, 'AAPI_ERR_RANGE_NOT_SATISFIABLE');
  });
});

async function expectUnavailable(t: ExecutionContext, attempt: Promise<unknown>, what: string): Promise<void> {
  const err = await t.throwsAsync(attempt, undefined, what);
  t.is((err as { code?: string } | undefined)?.code, 'AAPI_ERR_STORAGE_UNAVAILABLE', what);
}

test('s3 blob store: S3 down gives AAPI_ERR_STORAGE_UNAVAILABLE; the same instance recovers when it is back', async (t) => {
  // A server of its own: stopping the shared one would fail the tests running beside this one.
  let server = await startS3rver();
  const store = new S3BlobStore(s3StoreOptions(server, uniquePrefix()));
  try {
    const digest = await putBlob(store, Buffer.from('kept across the outage'));
    const cut = await store.beginWrite();
    cut.stream.on('error', () => undefined); // reported by the write below and by commit
    await server.stop();
    // The first part goes up once 8 MiB are written: the upload fails and so does the stream.
    await t.throwsAsync(streamBody(cut.stream, 20 * MiB), undefined, 'writing to a dead S3');
    await expectUnavailable(t, cut.commit('0'.repeat(64)), 'commit of a write cut by the outage');
    await expectUnavailable(t, store.ping(), 'ping');
    await expectUnavailable(t, store.stat(digest), 'stat');
    await expectUnavailable(t, store.readAll(digest), 'readAll');
    // A writer starts without a request; its body has nowhere to go.
    const later = await store.beginWrite();
    later.stream.on('error', () => undefined);
    later.stream.end(Buffer.from('x'));
    await expectUnavailable(t, later.commit(sha256(Buffer.from('x'))), 'commit of a write begun during the outage');

    server = await startS3rver({ port: server.port, directory: server.directory, bucket: server.bucket });
    await t.notThrowsAsync(store.ping());
    t.deepEqual(await store.readAll(digest), Buffer.from('kept across the outage'));
    const again = await putBlob(store, Buffer.from('written after recovery'));
    t.deepEqual(await store.stat(again), { size: 'written after recovery'.length });
  } finally {
    await store.close();
    await server.stop();
    await rm(server.directory, { recursive: true, force: true });
  }
});

test('s3 blob store: a missing bucket is AAPI_ERR_STORAGE_UNAVAILABLE, not a missing blob', async (t) => {
  const store = new S3BlobStore({ ...s3StoreOptions(s3, uniquePrefix()), bucket: 'no-such-bucket' });
  try {
    await expectUnavailable(t, store.ping(), 'ping');
    // Not stat: HeadObject's 404 has no body to tell a missing bucket from a missing key.
    await expectUnavailable(t, store.read(sha256(Buffer.from('x'))), 'read');
  } finally {
    await store.close();
  }
});

test('s3 blob store: the constructor names the offending option', (t) => {
  const base = s3StoreOptions(s3, '');
  const cases: Array<[Partial<S3BlobStoreOptions>, RegExp]> = [
    [{ bucket: '' }, /storage\.bucket/],
    [{ endpoint: 'localhost:9000' }, /storage\.endpoint/],
    [{ secret_access_key: undefined }, /storage\.secret_access_key/],
    [{ orphanAgeMs: -1 }, /orphanAgeMs/],
  ];
  for (const [change, message] of cases) {
    const err = t.throws(() => new S3BlobStore({ ...base, ...change }));
    t.is((err as { code?: string } | undefined)?.code, 'AAPI_ERR_CONFIG_INVALID');
    t.regex(err?.message ?? '', message);
  }
});

test('s3 blob store: a body wider than the range asked for is trimmed to it', async (t) => {
  const whole = Buffer.from('0123456789abcdefghij');
  const chunks = (): Readable => Readable.from([whole.subarray(0, 7), whole.subarray(7, 13), whole.subarray(13)]);
  // s3rver answers bytes=0-0 with the whole object; any server may ignore Range (200, no Content-Range).
  t.deepEqual(await collect(fitToRange(chunks(), { start: 0, end: 0 }, 'bytes 0-19/20')), Buffer.from('0'));
  t.deepEqual(await collect(fitToRange(chunks(), { start: 5, end: 14 }, undefined)), Buffer.from('56789abcde'));
  const fromTwo = Readable.from([whole.subarray(2, 9), whole.subarray(9)]);
  t.deepEqual(await collect(fitToRange(fromTwo, { start: 8, end: 30 }, 'bytes 2-19/20')), Buffer.from('89abcdefghij'));
  const exact = chunks();
  t.is(fitToRange(exact, { start: 3, end: 9 }, 'bytes 3-9/20'), exact, 'an exact answer passes untouched');
  t.throws(() => fitToRange(chunks(), { start: 3, end: 9 }, 'bytes 4-9/20'), { message: /bytes=3-9/ });
});

test('s3 blob store: a writer aborted before its body ended has sent S3 nothing, and sends nothing (a miss that ends in a 404)', async (t) => {
  const log = await startS3RequestLog(s3);
  const store = new S3BlobStore({ ...s3StoreOptions(s3, uniquePrefix()), endpoint: log.endpoint });
  try {
    const unused = await store.beginWrite();
    await unused.abort();
    const partial = await store.beginWrite();
    await streamBody(partial.stream, 1024 * 1024);
    await partial.abort();
    t.deepEqual(log.requests, []);
    // A body that ended went up in one PUT: its temporary object is deleted.
    const ended = await store.beginWrite();
    ended.stream.end(Buffer.from('ended'));
    for (let tries = 0; log.count('PUT') === 0; tries++) {
      if (tries === 100) throw new Error('the ended body was never put');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await ended.abort();
    t.deepEqual(await keysOf(store), []);
    t.is(log.count('DELETE'), 1);
  } finally {
    await store.close();
    await log.close();
  }
});
