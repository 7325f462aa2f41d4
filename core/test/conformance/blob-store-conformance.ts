import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import type { ExecutionContext } from 'ava';
import type { BlobStore, BlobWriter, Sha256Hex } from '../../src/storage/blob-store.js';
import { declareWith } from './declare-test.js';
import type { Cleanup, DeclareTest } from './declare-test.js';

/** A fresh, empty blob store for one test. */
export interface BlobStoreFixture extends Cleanup {
  store: BlobStore;
  /** Another instance on the same storage, as after a restart (the old one is left open). */
  reopen(): Promise<BlobStore>;
}

export type BlobStoreFactory = () => Promise<BlobStoreFixture>;

/** sha256 hex of `bytes`, the digest a blob is committed under. */
export function sha256(bytes: Uint8Array): Sha256Hex {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes one chunk and waits until the stream has taken it (for a file: written to it). */
export function writeChunk(stream: Writable, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(chunk, (err) => (err ? reject(err) : resolve()));
  });
}

/** Writes `chunks` in order, honouring backpressure, without ending the stream. */
export async function writeAll(writer: BlobWriter, chunks: Uint8Array[]): Promise<void> {
  for (const chunk of chunks) await writeChunk(writer.stream, chunk);
}

export async function collect(readable: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of readable) parts.push(Buffer.from(part as Uint8Array));
  return Buffer.concat(parts);
}

/** Stores `bytes` in `chunkCount` chunks and returns the digest. */
export async function putBlob(store: BlobStore, bytes: Buffer, chunkCount = 3): Promise<Sha256Hex> {
  const writer = await store.beginWrite();
  const step = Math.max(1, Math.ceil(bytes.length / chunkCount));
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += step) chunks.push(bytes.subarray(i, i + step));
  await writeAll(writer, chunks);
  const digest = sha256(bytes);
  await writer.commit(digest);
  return digest;
}

async function listAll(store: BlobStore): Promise<Array<{ digest: Sha256Hex; size: number }>> {
  const out: Array<{ digest: Sha256Hex; size: number }> = [];
  for await (const item of store.list()) out.push(item);
  return out.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
}

/** A blob store that holds nothing: no blob, no orphan. */
async function assertEmpty(t: ExecutionContext, store: BlobStore): Promise<void> {
  t.deepEqual(await listAll(store), [], 'no blob is listed');
  t.is(await store.cleanOrphans(), 0, 'no temporary object is left');
}

/** Bytes that differ at every offset, so an off-by-one range shows. */
function pattern(size: number, seed = 7): Buffer {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 31 + seed + (i >> 8)) & 0xff;
  return buf;
}

/**
 * The contract every {@link BlobStore} honours. Declares its tests with `test`, each on a fresh
 * store from `factory`, titled `<name> blob store: …`.
 */
/** What a store says of itself that the suite checks rather than assumes. */
export interface BlobStoreTraits {
  /** Whether writers expose the file holding the bytes written so far (fs does; S3 has no local file). */
  localPath: boolean;
}

export function blobStoreConformance(test: DeclareTest, name: string, traits: BlobStoreTraits, factory: BlobStoreFactory): void {
  const it = declareWith(test, `${name} blob store`, factory);

  it('commit publishes the bytes under their digest, not before', async (t, { store }) => {
    const bytes = pattern(10_000);
    const digest = sha256(bytes);
    const writer = await store.beginWrite();
    await writeAll(writer, [bytes.subarray(0, 4000), bytes.subarray(4000)]);
    t.is(await store.stat(digest), undefined, 'invisible before commit');
    await writer.commit(digest);
    t.deepEqual(await store.stat(digest), { size: bytes.length });
    t.deepEqual(await store.readAll(digest), bytes);
    t.deepEqual(await collect(await store.read(digest)), bytes);
  });

  it(traits.localPath ? 'localPath holds the bytes written so far' : 'writers have no localPath (the engine spools for followers)', async (t, { store }) => {
    const writer = await store.beginWrite();
    const first = pattern(3000, 1);
    const second = pattern(5000, 2);
    await writeChunk(writer.stream, first);
    if (!traits.localPath) {
      t.is(writer.localPath, undefined);
    } else {
      t.not(writer.localPath, undefined);
      t.deepEqual(await readFile(writer.localPath ?? ''), first, 'first chunk is on disk before the second is written');
      await writeChunk(writer.stream, second);
      t.deepEqual(await readFile(writer.localPath ?? ''), Buffer.concat([first, second]));
    }
    await writer.abort();
    t.deepEqual(await listAll(store), [], 'an aborted writer leaves no blob');
  });

  it('the same bytes committed twice are stored once', async (t, { store }) => {
    const bytes = pattern(2048);
    const d1 = await putBlob(store, bytes);
    const d2 = await putBlob(store, bytes, 5);
    t.is(d1, d2);
    t.deepEqual(await listAll(store), [{ digest: d1, size: bytes.length }]);
    t.deepEqual(await store.readAll(d1), bytes);
    t.is(await store.cleanOrphans(), 0, 'the duplicate left no temporary object');
  });

  it('concurrent commits of the same bytes both succeed', async (t, { store }) => {
    const bytes = pattern(64 * 1024);
    const digests = await Promise.all([putBlob(store, bytes), putBlob(store, bytes, 7), putBlob(store, bytes, 1)]);
    t.deepEqual(new Set(digests), new Set([sha256(bytes)]));
    t.deepEqual(await listAll(store), [{ digest: sha256(bytes), size: bytes.length }]);
    t.deepEqual(await store.readAll(sha256(bytes)), bytes);
  });

  it('an empty blob can be stored and read', async (t, { store }) => {
    const writer = await store.beginWrite();
    const digest = sha256(Buffer.alloc(0));
    await writer.commit(digest);
    t.deepEqual(await store.stat(digest), { size: 0 });
    t.is((await store.readAll(digest)).length, 0);
    t.is((await collect(await store.read(digest))).length, 0);
  });

  it('abort leaves neither a blob nor an orphan, and may be repeated', async (t, { store }) => {
    const bytes = pattern(5000);
    const writer = await store.beginWrite();
    await writeAll(writer, [bytes]);
    await writer.abort();
    await writer.abort();
    t.is(await store.stat(sha256(bytes)), undefined);
    await assertEmpty(t, store);
  });

  it('commit rejects when the stream failed, and stores nothing', async (t, { store }) => {
    const bytes = pattern(5000);
    const writer = await store.beginWrite();
    writer.stream.on('error', () => undefined); // the failure is reported by commit
    await writeAll(writer, [bytes.subarray(0, 2000)]);
    // What a pipeline does to its destination when the upstream body is cut short.
    writer.stream.destroy(new Error('upstream connection reset'));
    await t.throwsAsync(writer.commit(sha256(bytes)));
    await writer.abort(); // safe after a failed commit
    t.is(await store.stat(sha256(bytes)), undefined);
    await assertEmpty(t, store);
  });

  it('commit rejects a malformed digest and stores nothing', async (t, { store }) => {
    const bytes = pattern(100);
    const bad = ['abc', sha256(bytes).toUpperCase(), 'g'.repeat(64), `../../${sha256(bytes).slice(6)}`, `${sha256(bytes)}0`];
    for (const digest of bad) {
      const writer = await store.beginWrite();
      await writeAll(writer, [bytes]);
      const err = await t.throwsAsync(writer.commit(digest));
      t.is((err as { code?: string }).code, 'AAPI_ERR_REQUEST_INVALID', digest);
      await writer.abort();
    }
    await assertEmpty(t, store);
  });

  it('an aborted signal stops the write', async (t, { store }) => {
    const before = new AbortController();
    before.abort();
    // An already aborted signal refuses to start; the rejection may be the signal's DOMException.
    await t.throwsAsync(store.beginWrite(before.signal), { any: true });

    const during = new AbortController();
    const bytes = pattern(3000);
    const writer = await store.beginWrite(during.signal);
    writer.stream.on('error', () => undefined);
    await writeAll(writer, [bytes]);
    during.abort();
    await t.throwsAsync(writer.commit(sha256(bytes)));
    await writer.abort();
    await assertEmpty(t, store);
  });

  it('range reads return exactly the requested bytes', async (t, { store }) => {
    const bytes = pattern(1000);
    const digest = await putBlob(store, bytes);
    const cases = [
      { start: 0, end: 0 },
      { start: 999, end: 999 },
      { start: 100, end: 199 },
      { start: 0, end: 999 },
      { start: 1, end: 998 },
    ];
    for (const range of cases) {
      const got = await collect(await store.read(digest, range));
      t.deepEqual(got, bytes.subarray(range.start, range.end + 1), `bytes=${range.start}-${range.end}`);
    }
  });

  it('a missing blob reads as ENOENT and stats as undefined', async (t, { store }) => {
    const digest = sha256(Buffer.from('never stored'));
    t.is(await store.stat(digest), undefined);
    for (const attempt of [store.read(digest), store.read(digest, { start: 0, end: 3 }), store.readAll(digest)]) {
      const err = await t.throwsAsync(attempt);
      t.is((err as { code?: string }).code, 'ENOENT');
    }
  });

  it('reads refuse a malformed digest', async (t, { store }) => {
    for (const digest of ['../../../etc/passwd', 'A'.repeat(64), '']) {
      for (const attempt of [store.read(digest), store.readAll(digest), store.stat(digest), store.delete(digest)]) {
        const err = await t.throwsAsync(attempt as Promise<unknown>);
        t.is((err as { code?: string }).code, 'AAPI_ERR_REQUEST_INVALID', JSON.stringify(digest));
      }
    }
  });

  it('delete removes a blob; deleting a missing one is fine', async (t, { store }) => {
    const keep = await putBlob(store, pattern(100, 1));
    const drop = await putBlob(store, pattern(100, 2));
    await store.delete(drop);
    await store.delete(drop);
    t.is(await store.stat(drop), undefined);
    await t.throwsAsync(store.readAll(drop));
    t.deepEqual(await listAll(store), [{ digest: keep, size: 100 }]);
  });

  it('list sees every committed blob with its size', async (t, { store }) => {
    const expected: Array<{ digest: Sha256Hex; size: number }> = [];
    for (let i = 0; i < 12; i++) {
      const bytes = pattern(i * 37, i);
      expected.push({ digest: await putBlob(store, bytes), size: bytes.length });
    }
    const pending = await store.beginWrite(); // uncommitted: not listed
    await writeAll(pending, [pattern(10, 99)]);
    expected.sort((a, b) => (a.digest < b.digest ? -1 : 1));
    t.deepEqual(await listAll(store), expected);
    await pending.abort();
  });

  it('cleanOrphans after a restart removes what an uncommitted writer left', async (t, fixture) => {
    const kept = pattern(500, 3);
    const keptDigest = await putBlob(fixture.store, kept);
    // A crash: bytes written, never committed nor aborted. A store that had sent nothing yet
    // (S3 holds the first 8 MiB in memory) has nothing to clean; one that had, one orphan.
    const crashed = await fixture.store.beginWrite();
    await writeAll(crashed, [pattern(4000, 4)]);
    const restarted = await fixture.reopen();
    t.is(await restarted.cleanOrphans(), fixture.store.kind === 's3' ? 0 : 1);
    t.is(await restarted.cleanOrphans(), 0);
    t.deepEqual(await restarted.readAll(keptDigest), kept, 'committed blobs are not orphans');
    t.deepEqual(await listAll(restarted), [{ digest: keptDigest, size: kept.length }]);
    await crashed.abort(); // the old writer's leftovers are gone already; abort must cope
  });

  it('a committed blob survives a restart', async (t, fixture) => {
    const bytes = pattern(3000, 5);
    const digest = await putBlob(fixture.store, bytes);
    const restarted = await fixture.reopen();
    t.deepEqual(await restarted.readAll(digest), bytes);
    t.deepEqual(await restarted.stat(digest), { size: bytes.length });
  });

  it('a multi-megabyte blob streams in and out intact', async (t, { store }) => {
    const chunk = 64 * 1024;
    const bytes = pattern(4 * 1024 * 1024 + 123, 9);
    const writer = await store.beginWrite();
    for (let i = 0; i < bytes.length; i += chunk) {
      // Backpressure as a tee would apply it: wait for drain, not for each write.
      if (!writer.stream.write(bytes.subarray(i, i + chunk))) {
        await new Promise((resolve) => writer.stream.once('drain', resolve));
      }
    }
    await writer.commit(sha256(bytes));
    const back = await collect(await store.read(sha256(bytes)));
    t.is(back.length, bytes.length);
    t.is(sha256(back), sha256(bytes));
  });

  it('ping resolves while the backend is reachable', async (t, { store }) => {
    await t.notThrowsAsync(store.ping());
  });
}
