import { randomBytes } from 'node:crypto';
import test from 'ava';
import { hashedGet } from './helpers/hashed-get.js';
import { assertBrokenOff, assertNothingStored, assertWhole } from './helpers/integrity-asserts.js';
import { genericRemote, startProxy } from './helpers/proxy.js';
import { responseHead, startRawUpstream } from './helpers/raw-upstream.js';

const BODY = randomBytes(64 * 1024);

// A body framed by the connection's end (no Content-Length, not chunked) is only whole when the
// connection ends cleanly. A reset after 300 bytes is a cut download, not a 300-byte file.
test('a close-delimited body ended by a connection reset is never committed or served as whole', async (t) => {
  const upstream = await startRawUpstream(async (socket, request) => {
    socket.write(responseHead(undefined, { Connection: 'close' }));
    if (request.call === 1) {
      socket.write(BODY.subarray(0, 300));
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.resetAndDestroy();
      return;
    }
    socket.end(BODY);
  });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const url = `${proxy.url}/api/v1/remote/up/cut.bin`;

  const first = await hashedGet(url);
  assertBrokenOff(t, first, BODY, 'reset download');
  await assertNothingStored(t, proxy.dataDir);

  const second = await hashedGet(url);
  assertWhole(t, second, BODY, 'after the reset');
  t.is(second.headers['x-artifact-cache'], 'MISS', 'the cut download left no entry');
  t.is(upstream.hits('/cut.bin'), 2);

  const third = await hashedGet(url);
  assertWhole(t, third, BODY, 'hit');
  t.is(third.headers['x-artifact-cache'], 'HIT', 'a close-delimited body that ends cleanly is stored');
});
