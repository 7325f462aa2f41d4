import test from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FILE_READ_CHUNK_BYTES, FileReadStream } from '../src/storage/file-read-stream.js';

// The blob read stream reuses its buffers once a piped HTTP response has sent them: every byte a
// slow client receives must still be the file's, and the stream must not allocate per read.

const CHUNK = 64 * 1024;

function sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function withFile(t: { teardown(fn: () => Promise<void>): void }, data: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aapi-read-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'blob');
  await writeFile(file, data);
  return file;
}

/**
 * A server answering each GET with a file through FileReadStream (`fileFor` picks it by URL),
 * counting the read buffers of `chunk` bytes allocated while it runs.
 */
async function fileServer(
  t: { teardown(fn: () => void): void },
  chunk: number,
  fileFor: (url: string) => { path: string; size: number },
): Promise<{ port: number; allocations: () => number }> {
  let allocations = 0;
  const original = Buffer.allocUnsafeSlow;
  Buffer.allocUnsafeSlow = (size: number) => {
    if (size === chunk) allocations++;
    return original(size);
  };
  const server = createServer((req, res) => {
    const { path, size } = fileFor(req.url!);
    void open(path, 'r').then((handle) => {
      res.writeHead(200, { 'content-length': String(size) });
      new FileReadStream(handle, chunk).pipe(res);
    });
  });
  t.teardown(() => {
    Buffer.allocUnsafeSlow = original;
    server.close();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, allocations: () => allocations };
}

test('a slow HTTP client gets the exact bytes of a file read through reused buffers, and few buffers are allocated', async (t) => {
  const data = randomBytes(16 * 1024 * 1024 + 123);
  const file = await withFile(t, data);
  const { port, allocations } = await fileServer(t, CHUNK, () => ({ path: file, size: data.length }));
  const [res] = (await once(get(`http://127.0.0.1:${port}/`), 'response')) as [IncomingMessage];
  const hash = createHash('sha256');
  let received = 0;
  // A client slower than the disk: the socket fills and the stream must wait for its buffers.
  await pipeline(
    res,
    new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        received += chunk.length;
        if (received % (2 * 1024 * 1024) < chunk.length) setTimeout(done, 5);
        else done();
      },
    }),
  );
  t.is(received, data.length);
  t.is(hash.digest('hex'), sha(data));
  t.true(allocations() < (data.length / CHUNK) / 4, `${allocations()} buffers for ${Math.ceil(data.length / CHUNK)} reads`);
});

test('piped anywhere but an HTTP response, every chunk keeps its own buffer; a range reads exactly its bytes', async (t) => {
  const data = randomBytes(CHUNK * 5 + 7);
  const file = await withFile(t, data);
  const kept: Buffer[] = [];
  const collect = new Writable({
    write(chunk: Buffer, _enc, done) {
      kept.push(chunk); // held after the callback: a reused buffer would change under it
      done();
    },
  });
  await pipeline(new FileReadStream(await open(file, 'r'), CHUNK), collect);
  t.is(sha(Buffer.concat(kept)), sha(data));
  const part: Buffer[] = [];
  for await (const chunk of new FileReadStream(await open(file, 'r'), CHUNK, 100, CHUNK * 2 + 99)) part.push(chunk as Buffer);
  t.true(Buffer.concat(part).equals(data.subarray(100, CHUNK * 2 + 100)));
});

test('finished responses hand their buffers to later streams; concurrent and cut-off responses never share one', async (t) => {
  const files = await Promise.all(
    [0, 1, 2, 3].map(async (i) => {
      const data = randomBytes(3 * FILE_READ_CHUNK_BYTES + 1000 * (i + 1));
      return { data, path: await withFile(t, data) };
    }),
  );
  const { port, allocations } = await fileServer(t, FILE_READ_CHUNK_BYTES, (url) => {
    const { data, path } = files[Number(url.slice(1))]!;
    return { path, size: data.length };
  });
  const fetchHash = async (i: number, cutAfter?: number) => {
    const [res] = (await once(get(`http://127.0.0.1:${port}/${i}`), 'response')) as [IncomingMessage];
    const hash = createHash('sha256');
    let received = 0;
    for await (const chunk of res) {
      hash.update(chunk as Buffer);
      received += (chunk as Buffer).length;
      if (cutAfter !== undefined && received >= cutAfter) {
        res.destroy();
        return undefined;
      }
    }
    return hash.digest('hex');
  };
  const round = () => Promise.all(files.map((_, i) => fetchHash(i)));
  t.deepEqual(await round(), files.map((f) => sha(f.data)));
  const afterFirst = allocations();
  await fetchHash(0, FILE_READ_CHUNK_BYTES);
  for (let i = 0; i < 3; i++) t.deepEqual(await round(), files.map((f) => sha(f.data)));
  // The cut-off response kept its buffers from the pool; the rounds after it reuse the rest.
  t.true(allocations() - afterFirst <= 3, `${allocations() - afterFirst} new buffers after the first round`);
});
