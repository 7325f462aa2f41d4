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
import { FileReadStream } from '../src/storage/file-read-stream.js';

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

test('a slow HTTP client gets the exact bytes of a file read through reused buffers, and few buffers are allocated', async (t) => {
  const data = randomBytes(16 * 1024 * 1024 + 123);
  const file = await withFile(t, data);
  let allocations = 0;
  const original = Buffer.allocUnsafeSlow;
  const server = createServer((_req, res) => {
    void open(file, 'r').then((handle) => {
      Buffer.allocUnsafeSlow = (size: number) => {
        if (size === CHUNK) allocations++;
        return original(size);
      };
      res.writeHead(200, { 'content-length': String(data.length) });
      new FileReadStream(handle, CHUNK).pipe(res);
    });
  });
  t.teardown(() => {
    Buffer.allocUnsafeSlow = original;
    server.close();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
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
  t.true(allocations < (data.length / CHUNK) / 4, `${allocations} buffers for ${Math.ceil(data.length / CHUNK)} reads`);
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
