import { randomBytes } from 'node:crypto';
import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { hashedGet } from './helpers/hashed-get.js';
import { assertBrokenOff, assertNothingStored, assertWhole } from './helpers/integrity-asserts.js';
import { genericRemote, startProxy } from './helpers/proxy.js';
import { responseHead, startRawUpstream } from './helpers/raw-upstream.js';
import { slowBody } from './helpers/slow-upstream.js';

const LIMIT = 1024 * 1024;

test('a body whose Content-Length is over max_body_size is refused before download, with a 502', async (t) => {
  const upstream = await startUpstream({ files: { '/big.bin': randomBytes(LIMIT + 1), '/small.bin': randomBytes(LIMIT) } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url, `max_body_size: ${LIMIT}`));

  const res = await fetch(`${proxy.url}/api/v1/remote/up/big.bin`);
  t.is(res.status, 502);
  const body = (await res.json()) as { error: { code: string; message: string } };
  t.is(body.error.code, 'AAPI_ERR_UPSTREAM_TOO_LARGE');
  t.regex(body.error.message, /1048576 bytes/);
  await assertNothingStored(t, proxy.dataDir);

  const small = await fetch(`${proxy.url}/api/v1/remote/up/small.bin`);
  t.is(small.status, 200, 'a body at the limit is fine');
  t.is((await small.arrayBuffer()).byteLength, LIMIT);
});

test('a body without Content-Length is cut when it passes max_body_size and never stored', async (t) => {
  const body = randomBytes(LIMIT * 2);
  const upstream = await startRawUpstream((socket) => {
    socket.write(responseHead(undefined, { Connection: 'close' }));
    socket.end(body);
  });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url, `max_body_size: ${LIMIT}`));

  const first = await hashedGet(`${proxy.url}/api/v1/remote/up/stream.bin`);
  assertBrokenOff(t, first, body, 'over the limit');
  await assertNothingStored(t, proxy.dataDir);
  const second = await hashedGet(`${proxy.url}/api/v1/remote/up/stream.bin`);
  assertBrokenOff(t, second, body, 'asked again');
  t.is(upstream.hits('/stream.bin'), 2, 'nothing was cached');
});

test('a download slower than timeouts.total is abandoned though it never goes idle', async (t) => {
  const body = randomBytes(64 * 1024);
  // 4 KiB every 150 ms: never silent for a second, but about 2.4 s in all.
  const trickle = slowBody(body, { chunkSize: 4096, intervalMs: 150 });
  const upstream = await startUpstream({ handlers: { '/slow.bin': trickle.handler } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url, 'timeouts: { total: 1, idle: 1 }'));

  const res = await hashedGet(`${proxy.url}/api/v1/remote/up/slow.bin`);
  assertBrokenOff(t, res, body, 'slow download');
  t.true(res.size < body.byteLength);
  await assertNothingStored(t, proxy.dataDir);
});

test('without limits configured the defaults let an ordinary download through', async (t) => {
  const body = randomBytes(3 * LIMIT);
  const upstream = await startUpstream({ files: { '/f.bin': body } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  assertWhole(t, await hashedGet(`${proxy.url}/api/v1/remote/up/f.bin`), body);
});
