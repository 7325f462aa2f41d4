import test from 'ava';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { blobFiles } from './helpers/data-dir.js';
import { hashedGet } from './helpers/hashed-get.js';
import { assertBrokenOff, assertNothingStored, assertWhole, sha256 } from './helpers/integrity-asserts.js';
import { genericRemote, startProxy } from './helpers/proxy.js';
import { responseHead, startRawUpstream, type RawRequest } from './helpers/raw-upstream.js';

const SIZE = 1024 * 1024;

/** A correct keep-alive response: what the upstream sends once it has recovered. */
function healthy(body: Buffer) {
  return (socket: Socket) => {
    socket.write(responseHead(body.byteLength));
    socket.write(body);
  };
}

test('a body that ends early on a closed connection is not served as complete, not stored, and fetched afresh next time', async (t) => {
  const body = randomBytes(SIZE);
  const upstream = await startRawUpstream(async (socket, req: RawRequest) => {
    if (req.call > 1) return healthy(body)(socket);
    socket.write(responseHead(SIZE, { Connection: 'close' }));
    socket.write(body.subarray(0, SIZE / 2));
    await sleep(50);
    // A clean FIN, not a reset: to a lenient reader this looks like the end of the body.
    socket.end();
  });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const url = `${proxy.url}/api/v1/remote/up/f.bin`;

  assertBrokenOff(t, await hashedGet(url), body, 'short body');
  await assertNothingStored(t, proxy.dataDir);

  const second = await hashedGet(url);
  assertWhole(t, second, body, 'after recovery');
  t.is(second.headers['x-artifact-cache'], 'MISS');
  t.is(upstream.hits('/f.bin'), 2);
});

// HTTP/1.1 frames a message by its Content-Length (RFC 9112 §6.3): bytes after it are not part of
// this response but the start of a next one, which undici rejects on the connection after the
// response has ended. The proxy cannot tell this from a good response followed by garbage, so
// the contract is: only the framed bytes are ever served or stored, never the extra ones.
test('a body longer than its Content-Length: only the framed bytes are served or stored, never the extra ones', async (t) => {
  const body = randomBytes(SIZE);
  const extra = randomBytes(64 * 1024);
  const upstream = await startRawUpstream(async (socket, req: RawRequest) => {
    if (req.call > 1) return healthy(body)(socket);
    socket.write(responseHead(SIZE));
    socket.write(Buffer.concat([body, extra]));
  });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const url = `${proxy.url}/api/v1/remote/up/f.bin`;

  const first = await hashedGet(url);
  if (first.status === 200 && first.complete) assertWhole(t, first, body, 'first answer');
  else assertBrokenOff(t, first, body, 'first answer');
  t.log(`first answer: status ${first.status}, ${first.size} bytes, ${first.complete ? 'complete' : 'broken off'}`);

  const second = await hashedGet(url);
  assertWhole(t, second, body, 'second answer');
  t.true(upstream.hits('/f.bin') <= 2);
  // Whatever was kept is the framed body under its own digest.
  for (const blob of await blobFiles(proxy.dataDir)) {
    t.is(blob.actual, blob.name, 'blob content matches its name');
    t.is(blob.actual, sha256(body), 'the stored blob is the framed body');
  }
  const third = await hashedGet(url);
  assertWhole(t, third, body, 'later hit');
  t.is(third.headers['x-artifact-cache'], 'HIT');
});
