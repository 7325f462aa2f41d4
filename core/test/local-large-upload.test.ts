import test from 'ava';
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { eventually, tmpFiles } from './helpers/data-dir.js';
import { hashedGet } from './helpers/hashed-get.js';
import { startProxy } from './helpers/proxy.js';

// A 64 MiB upload streams to storage as it arrives: the server writes the first half to its temp
// file while the client is still holding back the second half.

const TOKEN = 'test-token';
const LOCAL = `
auth: { admin_token: ${TOKEN} }
remotes:
  files: { type: local, package: generic }
`;
const CHUNK = 1024 * 1024;
const CHUNKS = 64;

/** Deterministic 1 MiB chunks that differ from each other, so a reordering would change the digest. */
function* chunks(): Generator<Buffer> {
  for (let i = 0; i < CHUNKS; i++) {
    const chunk = Buffer.alloc(CHUNK, i);
    chunk.writeUInt32BE(i * 2654435761 >>> 0, 0);
    yield chunk;
  }
}

async function biggestTmpFile(dataDir: string): Promise<number> {
  let biggest = 0;
  for (const name of await tmpFiles(dataDir)) {
    const size = await stat(join(dataDir, 'tmp', name)).then((s) => s.size, () => 0);
    biggest = Math.max(biggest, size);
  }
  return biggest;
}

test('a 64 MiB PUT is streamed to storage, not buffered, and served back byte for byte', async (t) => {
  const proxy = await startProxy(t, LOCAL);
  const { hostname, port } = new URL(proxy.url);
  const hash = createHash('sha256');
  const total = CHUNK * CHUNKS;

  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method: 'PUT',
        path: '/api/v1/remote/files/big/blob.bin',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/octet-stream', 'content-length': String(total) },
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const write = async () => {
      let sent = 0;
      for (const chunk of chunks()) {
        hash.update(chunk);
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        sent += chunk.byteLength;
        if (sent === total / 2) {
          // Half sent, half held back: a server that buffers the body has written nothing yet.
          const streamed = await eventually(async () => (await biggestTmpFile(proxy.dataDir)) >= total / 4, 20_000);
          t.true(streamed, 'the upload reached the temp file before it was complete');
        }
      }
      req.end();
    };
    write().catch(reject);
  });

  const { status, body } = await response;
  const digest = hash.digest('hex');
  t.is(status, 201);
  t.deepEqual(JSON.parse(body), { digest: `sha256:${digest}`, size: total });

  const got = await hashedGet(`${proxy.url}/api/v1/remote/files/big/blob.bin`);
  t.is(got.status, 200);
  t.true(got.complete);
  t.is(got.size, total);
  t.is(got.sha256, digest);
});
