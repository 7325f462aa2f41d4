import test from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import type { BlobStore } from '../src/storage/index.js';
import { blobFiles } from './helpers/data-dir.js';
import { hashedGet } from './helpers/hashed-get.js';
import { assertBrokenOff, assertNothingStored, assertWhole, sha256 } from './helpers/integrity-asserts.js';
import { genericRemote, startProxy } from './helpers/proxy.js';
import { mountTmpfs } from './helpers/tmpfs.js';

const MiB = 1024 * 1024;
const SIZE = 4 * MiB;

/** Makes the data directory run out of space, and gives the space back. */
interface DiskFull {
  how: string;
  /** Called once the server runs, for the injected variant. */
  attach(blobs: BlobStore): void;
  makeRoom(): Promise<void>;
}

test('a disk that fills up mid-download: the client gets a cut body, nothing is committed, the next GET after freeing space works', async (t) => {
  const body = randomBytes(SIZE);
  const upstream = await startUpstream({ files: { '/f.bin': body } });
  t.teardown(() => upstream.close());
  const dataDir = await mkdtemp(join(tmpdir(), 'aapi-enospc-'));
  let closeProxy: () => Promise<void> = async () => {};
  const disk = await fillableDisk(dataDir, 2 * MiB);
  t.teardown(async () => {
    // Unmounting needs the server's files (sqlite, blobs) closed first.
    await closeProxy();
    await disk.release();
    await rm(dataDir, { recursive: true, force: true });
  });
  t.log(disk.how);
  const proxy = await startProxy(t, genericRemote(upstream.url), { dataDir });
  closeProxy = proxy.close;
  disk.attach(proxy.server.context.backends.blobs);
  const url = `${proxy.url}/api/v1/remote/up/f.bin`;

  const first = await hashedGet(url);
  assertBrokenOff(t, first, body, 'download onto a full disk');
  t.log(`download onto a full disk: status ${first.status}, ${first.size} bytes, ${first.error?.message ?? first.text ?? ''}`);
  await assertNothingStored(t, dataDir);

  await disk.makeRoom();
  const second = await hashedGet(url);
  assertWhole(t, second, body, 'after making room');
  t.is(second.headers['x-artifact-cache'], 'MISS');
  t.is(upstream.hits('/f.bin', 'GET'), 2);
  const third = await hashedGet(url);
  assertWhole(t, third, body, 'hit');
  t.is(third.headers['x-artifact-cache'], 'HIT');
  t.deepEqual((await blobFiles(dataDir)).map((b) => [b.name, b.actual]), [[sha256(body), sha256(body)]]);
});

/**
 * A real full disk when this sandbox lets us mount a small tmpfs on `dir` (we are root);
 * otherwise a mock, because ENOSPC cannot be caused without one: the blob writer's file stream
 * fails with ENOSPC after `bytes`, through the same callback a real failed write(2) takes.
 */
async function fillableDisk(dir: string, bytes: number): Promise<DiskFull & { release(): Promise<void> }> {
  // AAPI_TEST_FAKE_ENOSPC=1 exercises the fallback on a machine where mounting works.
  const tmpfs =
    process.env.AAPI_TEST_FAKE_ENOSPC === '1' ? undefined : await mountTmpfs(dir, bytes).catch(() => undefined);
  if (tmpfs) {
    return {
      how: `real ENOSPC: the data directory is a ${bytes / MiB} MiB tmpfs`,
      attach() {},
      makeRoom: () => tmpfs.resize(64 * MiB),
      release: () => tmpfs.release(),
    };
  }
  let full = true;
  return {
    how: 'mount is not permitted here: injecting ENOSPC into the blob writer (a mock)',
    attach(blobs) {
      const begin = blobs.beginWrite.bind(blobs);
      blobs.beginWrite = async (signal) => {
        const writer = await begin(signal);
        if (full) failAfter(writer.stream, bytes);
        return writer;
      };
    },
    makeRoom: async () => {
      full = false;
    },
    release: async () => {},
  };
}

type WriteCallback = (err?: Error | null) => void;
interface StreamInternals {
  _write(chunk: Buffer, encoding: BufferEncoding, cb: WriteCallback): void;
  _writev?(chunks: { chunk: Buffer }[], cb: WriteCallback): void;
}

function failAfter(stream: Writable, budget: number): void {
  const internals = stream as unknown as StreamInternals;
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  const write = internals._write.bind(stream);
  internals._write = (chunk, encoding, cb) => ((budget -= chunk.byteLength) < 0 ? cb(enospc()) : write(chunk, encoding, cb));
  const writev = internals._writev?.bind(stream);
  if (writev) {
    internals._writev = (chunks, cb) => {
      budget -= chunks.reduce((n, c) => n + c.chunk.byteLength, 0);
      return budget < 0 ? cb(enospc()) : writev(chunks, cb);
    };
  }
}
