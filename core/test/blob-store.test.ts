import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { FsBlobStore } from '../src/storage/index.js';
import type { BlobStore } from '../src/storage/index.js';
import { blobStoreConformance, collect, putBlob, sha256, writeAll } from './conformance/blob-store-conformance.js';
import { eventually, tmpFilesWithBytes } from './helpers/data-dir.js';

async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'aapi-blobs-'));
}

blobStoreConformance(test, 'fs', { localPath: true }, async () => {
  const root = await tempRoot();
  const made: BlobStore[] = [];
  const open = (): FsBlobStore => {
    const store = new FsBlobStore({ root });
    made.push(store);
    return store;
  };
  return {
    store: open(),
    reopen: async () => open(),
    cleanup: async () => {
      for (const store of made) await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
});

/** Runs `body` on a store in a fresh temp root, removed afterwards. */
async function withStore(body: (store: FsBlobStore, root: string) => Promise<void>): Promise<void> {
  const root = await tempRoot();
  const store = new FsBlobStore({ root });
  try {
    await body(store, root);
  } finally {
    await store.close();
    await rm(root, { recursive: true, force: true });
  }
}

test('fs blob store: blobs live at blobs/sha256/<aa>/<hash>, temporary files in tmp/', async (t) => {
  await withStore(async (store, root) => {
    const bytes = Buffer.from('layout');
    const digest = sha256(bytes);
    const writer = await store.beginWrite();
    await writeAll(writer, [bytes]);
    t.is(writer.localPath && join(writer.localPath, '..'), join(root, 'tmp'));
    const finalPath = join(root, 'blobs', 'sha256', digest.slice(0, 2), digest);
    t.false(existsSync(finalPath), 'nothing at the final path before commit');
    await writer.commit(digest);
    t.true(existsSync(finalPath));
    t.false(existsSync(writer.localPath ?? ''), 'the temporary file was moved');
    t.deepEqual(await tmpFilesWithBytes(root), [], 'only the empty spare files are left in tmp/');
  });
});

test('fs blob store: a real write error (EFBIG) makes commit reject and leaves nothing', async (t) => {
  // RLIMIT_FSIZE (ulimit -f) makes the kernel fail writes past a few tens of KiB with EFBIG: a real I/O
  // error that reaches the store exactly as ENOSPC would.
  const root = await tempRoot();
  try {
    const moduleUrl = new URL('../src/storage/fs-blob-store.js', import.meta.url).href;
    const script = `
      import { FsBlobStore } from ${JSON.stringify(moduleUrl)};
      const store = new FsBlobStore({ root: process.argv[1] });
      const writer = await store.beginWrite();
      writer.stream.on('error', () => {});
      const chunk = Buffer.alloc(16 * 1024, 1);
      for (let i = 0; i < 16; i++) {
        const ok = await new Promise((resolve) => writer.stream.write(chunk, (err) => resolve(!err)));
        if (!ok) break;
      }
      const outcome = await writer.commit('${'e'.repeat(64)}').then(() => 'committed', (err) => err.code);
      await writer.abort();
      await store.close(); // its spare writers' files go, so what is left is the failed write's
      console.log(JSON.stringify({ outcome, orphans: await store.cleanOrphans() }));
    `;
    const child = spawn('/bin/sh', ['-c', 'ulimit -f 64 && exec "$0" "$@"', process.execPath, '--input-type=module', '-e', script, root], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const out = (await collect(child.stdout)).toString();
    t.deepEqual(JSON.parse(out), { outcome: 'AAPI_ERR_STORAGE_UNAVAILABLE', orphans: 0 });
    t.false(existsSync(join(root, 'blobs', 'sha256', 'ee', 'e'.repeat(64))));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('fs blob store: a blob deleted while being read still reads to its end', async (t) => {
  await withStore(async (store) => {
    const bytes = Buffer.alloc(256 * 1024, 7);
    const digest = await putBlob(store, bytes);
    const reading = await store.read(digest);
    await store.delete(digest);
    t.deepEqual(await collect(reading), bytes);
  });
});

test('fs blob store: list skips files that are not blobs', async (t) => {
  await withStore(async (store, root) => {
    const digest = await putBlob(store, Buffer.from('real'));
    const shard = join(root, 'blobs', 'sha256', digest.slice(0, 2));
    await writeFile(join(shard, '.DS_Store'), 'x');
    await writeFile(join(shard, 'f'.repeat(64)), 'in the wrong shard');
    await mkdir(join(root, 'blobs', 'sha256', 'not-a-shard'));
    const listed = [];
    for await (const item of store.list()) listed.push(item);
    t.deepEqual(listed, [{ digest, size: 4 }]);
  });
});

test('fs blob store: ping fails with AAPI_ERR_STORAGE_UNAVAILABLE when the root is gone', async (t) => {
  await withStore(async (store, root) => {
    await store.ping();
    await rm(root, { recursive: true, force: true });
    const err = await t.throwsAsync(store.ping());
    t.is((err as { code?: string }).code, 'AAPI_ERR_STORAGE_UNAVAILABLE');
  });
});

test('fs blob store: writing recreates tmp/ when it was removed', async (t) => {
  await withStore(async (store, root) => {
    await putBlob(store, Buffer.from('one'));
    await rm(join(root, 'tmp'), { recursive: true });
    const digest = await putBlob(store, Buffer.from('two'));
    t.deepEqual(await store.readAll(digest), Buffer.from('two'));
  });
});

test('fs blob store: a commit into a shard directory removed since the store made it makes it again', async (t) => {
  await withStore(async (store, root) => {
    const bytes = Buffer.from('shard');
    const digest = await putBlob(store, bytes);
    // The store remembers the shard it made; removed behind its back, the rename finds no directory.
    await rm(join(root, 'blobs', 'sha256', digest.slice(0, 2)), { recursive: true });
    t.is(await putBlob(store, bytes), digest);
    t.deepEqual(await store.readAll(digest), bytes);
    t.deepEqual(await tmpFilesWithBytes(root), []);
  });
});

test('fs blob store: writers are made ahead of need, so the next write finds its file there', async (t) => {
  await withStore(async (store, root) => {
    await putBlob(store, Buffer.from('first'));
    const tmp = join(root, 'tmp');
    t.true(await eventually(async () => (await readdir(tmp)).length === 2), 'two spare files are made after a write');
    const spares = await readdir(tmp);
    const writer = await store.beginWrite();
    t.true(spares.map((name) => join(tmp, name)).includes(writer.localPath ?? ''), 'the writer took a spare file');
    await writeAll(writer, [Buffer.from('second')]);
    await writer.commit(sha256(Buffer.from('second')));
    t.deepEqual(await store.readAll(sha256(Buffer.from('second'))), Buffer.from('second'));
  });
});

test('fs blob store: a spare writer hands out a read handle on its file, once', async (t) => {
  await withStore(async (store, root) => {
    const first = await store.beginWrite();
    t.is(first.takeLocalReader?.(), undefined, 'a writer made on demand has none');
    await first.abort();
    t.true(await eventually(async () => (await readdir(join(root, 'tmp'))).length === 2));
    const writer = await store.beginWrite();
    const reader = writer.takeLocalReader?.();
    t.not(reader, undefined);
    t.is(writer.takeLocalReader?.(), undefined, 'handed out once');
    try {
      const bytes = Buffer.from('read back while being written');
      await writeAll(writer, [bytes]);
      const { buffer, bytesRead } = await reader!.read(Buffer.alloc(64), 0, 64, 0);
      t.deepEqual(buffer.subarray(0, bytesRead), bytes);
      await writer.commit(sha256(bytes));
    } finally {
      await reader?.close();
    }
  });
});

test('fs blob store: a spare file removed by hand is not written into', async (t) => {
  await withStore(async (store, root) => {
    await putBlob(store, Buffer.from('first'));
    const tmp = join(root, 'tmp');
    t.true(await eventually(async () => (await readdir(tmp)).length === 2));
    // Someone empties tmp/ while the store runs: its spares' files are gone.
    await rm(tmp, { recursive: true });
    const bytes = Buffer.from('after tmp/ was emptied');
    const digest = await putBlob(store, bytes);
    t.deepEqual(await store.readAll(digest), bytes);
  });
});

test('fs blob store: close removes the spare files, those still being made too', async (t) => {
  const root = await tempRoot();
  try {
    const store = new FsBlobStore({ root });
    await putBlob(store, Buffer.from('one'));
    // Right after a write its spares are still being made: close waits for them.
    await store.close();
    t.deepEqual(await readdir(join(root, 'tmp')), []);
    await new Promise((resolve) => setTimeout(resolve, 50));
    t.deepEqual(await readdir(join(root, 'tmp')), [], 'nothing made after close');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('fs blob store: the constructor names a missing root', (t) => {
  const err = t.throws(() => new FsBlobStore({ root: '' }));
  t.regex(err?.message ?? '', /options\.root/);
});
