import test, { type ExecutionContext } from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { GrowingBody } from '../src/engine/growing-body.js';
import { RecentChunks } from '../src/engine/recent-chunks.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** A body over a real temporary file, with the writer's side: `feed` receives a chunk, then writes it to the file. */
async function growingFile(t: ExecutionContext, declared: number | undefined) {
  const dir = await mkdtemp(join(tmpdir(), 'growing-body-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'body');
  const writer = await open(path, 'w');
  t.teardown(() => writer.close().catch(() => {}));
  const body = GrowingBody.over(await open(path, 'r'), declared, undefined);
  t.teardown(() => body.release()); // the writer's reference; the file closes after the last reader's
  let offset = 0;
  return {
    body,
    /** The chunk reaches readers in memory at once and the file afterwards. */
    async feed(chunk: Buffer) {
      body.receive(chunk);
      const at = offset;
      offset += chunk.byteLength;
      await writer.write(chunk, 0, chunk.byteLength, at);
      body.append(chunk.byteLength);
    },
  };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function drain(reader: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of reader) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test('a reader at the tail gets a chunk before it is written to the file', async (t) => {
  const { body } = await growingFile(t, 8);
  const reader = body.createReader();
  const first = new Promise<Buffer>((resolve) => reader.once('data', resolve));
  body.receive(Buffer.from('abcd')); // never written: only memory can hold it
  t.is((await first).toString(), 'abcd');
  reader.destroy();
});

test('the final byte of a declared length waits for finish()', async (t) => {
  const { body, feed } = await growingFile(t, 4);
  const reader = body.createReader();
  const got: Buffer[] = [];
  reader.on('data', (chunk: Buffer) => got.push(chunk));
  await feed(Buffer.from('wxyz'));
  await new Promise((resolve) => setImmediate(resolve));
  t.is(Buffer.concat(got).toString(), 'wxy');
  const ended = new Promise((resolve) => reader.once('end', resolve));
  body.finish();
  await ended;
  t.is(Buffer.concat(got).toString(), 'wxyz');
});

test('a reader that falls further behind than memory holds reads the early bytes from the file, the rest from memory', async (t) => {
  const data = randomBytes(6 * MiB + 123); // more than the 2 MiB kept for a reader behind
  const { body, feed } = await growingFile(t, data.byteLength);
  const behind = body.createReader(); // created at once, read only at the end
  for (let at = 0; at < data.byteLength; at += 64 * KiB) await feed(data.subarray(at, at + 64 * KiB));
  body.finish();
  t.true(body.fromMemory(0, 1) === undefined && body.fromMemory(data.byteLength - 1, 1) !== undefined, 'the start is only in the file, the end in memory');
  const whole = await drain(behind);
  t.is(whole.byteLength, data.byteLength);
  t.is(sha256(whole), sha256(data));
  const range = await drain(body.createReader({ start: 1 * MiB - 7, end: 5 * MiB + 5 }));
  t.true(range.equals(data.subarray(1 * MiB - 7, 5 * MiB + 6)));
});

test('readers that join at different points of a download all get every byte', async (t) => {
  const data = randomBytes(4 * MiB);
  const { body, feed } = await growingFile(t, data.byteLength);
  const readers: Promise<Buffer>[] = [drain(body.createReader())];
  for (let at = 0; at < data.byteLength; at += 32 * KiB) {
    await feed(data.subarray(at, at + 32 * KiB));
    if (at === 2 * MiB || at === 3 * MiB + 32 * KiB) readers.push(drain(body.createReader()));
  }
  body.finish();
  for (const got of await Promise.all(readers)) t.is(sha256(got), sha256(data));
});

test('a failed body errors its readers with the failure', async (t) => {
  const { body, feed } = await growingFile(t, 100);
  const reader = body.createReader();
  await feed(Buffer.alloc(10));
  body.fail(new Error('digest mismatch'));
  await t.throwsAsync(drain(reader), { message: 'digest mismatch' });
});

function fiveChunks(maxBytes: number): RecentChunks {
  const recent = new RecentChunks(maxBytes);
  for (let i = 0; i < 5; i++) recent.push(Buffer.alloc(4, i)); // bytes 0-19, chunk i at 4i
  return recent;
}

test('RecentChunks drops a chunk only once it is in the file, and keeps what the reader furthest behind needs', (t) => {
  const recent = fiveChunks(1000);
  recent.trim(0, 0); // nothing in the file yet: everything stays, whatever the readers need
  recent.trim(0, Infinity);
  t.is(recent.start, 0);
  recent.trim(20, 9); // in the file; a reader at 9 needs the chunk 8-11 and the ones after
  t.is(recent.start, 8);
  t.deepEqual([...recent.slice(9, 100)!], [2, 2, 2]);
  t.deepEqual([...recent.slice(13, 2)!], [3, 3]);
  t.is(recent.slice(7, 1), undefined, 'dropped bytes come from the file');
  t.is(recent.slice(20, 1), undefined, 'bytes not received yet');
  recent.trim(20, Infinity); // no reader left
  t.is(recent.start, 20);
});

test('RecentChunks holds at most its maximum for a reader that falls behind', (t) => {
  const recent = fiveChunks(10);
  recent.trim(4, 0); // only 0-3 in the file: the rest stays whatever the limit
  t.is(recent.start, 4, 'over the limit, dropped although a reader at 0 needs it');
  recent.trim(20, 0);
  t.is(recent.start, 8, 'the newest 10 bytes or more stay');
});

test('started() waits for the first bytes in the file, and rejects when the body fails first', async (t) => {
  const ok = await growingFile(t, 8 * KiB);
  let started = false;
  const waiting = ok.body.started().then(() => (started = true));
  ok.body.receive(randomBytes(4 * KiB)); // in memory only: a response must not start on it
  await new Promise((resolve) => setImmediate(resolve));
  t.false(started);
  await ok.feed(randomBytes(4 * KiB));
  await waiting;
  t.true(started);
  await ok.body.started(); // and at once from then on

  const failing = await growingFile(t, 8 * KiB);
  const refused = failing.body.started();
  failing.body.receive(randomBytes(4 * KiB));
  failing.body.fail(new Error('ENOSPC: no space left on device'));
  await t.throwsAsync(refused, { message: /ENOSPC/ });
  await t.throwsAsync(failing.body.started(), { message: /ENOSPC/ });
});
