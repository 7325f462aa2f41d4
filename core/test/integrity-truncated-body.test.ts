import test from 'ava';
import { randomBytes } from 'node:crypto';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { blobFiles } from './helpers/data-dir.js';
import { hashedGet } from './helpers/hashed-get.js';
import { assertBrokenOff, assertNothingStored, assertWhole, sha256 } from './helpers/integrity-asserts.js';
import { genericRemote, startProxy } from './helpers/proxy.js';
import { slowBody } from './helpers/slow-upstream.js';

const SIZE = 4 * 1024 * 1024;

test('an upstream that resets mid-body: the client never gets a complete 200, nothing is stored, the next GET fetches afresh', async (t) => {
  const body = randomBytes(SIZE);
  // Content-Length: SIZE, half of it, then the socket is destroyed.
  const broken = slowBody(body, { chunkSize: 256 * 1024, intervalMs: 10, cutAfter: SIZE / 2 });
  const healthy = slowBody(body, { intervalMs: 0 });
  let calls = 0;
  const upstream = await startUpstream({
    handlers: { '/f.bin': (req, res) => (++calls === 1 ? broken : healthy).handler(req, res) },
  });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const url = `${proxy.url}/api/v1/remote/up/f.bin`;

  const first = await hashedGet(url);
  assertBrokenOff(t, first, body, 'cut download');
  t.log(`cut download: status ${first.status}, ${first.size} bytes, ${first.error?.message ?? 'no error'}`);
  await assertNothingStored(t, proxy.dataDir);

  const second = await hashedGet(url);
  assertWhole(t, second, body, 'after recovery');
  t.is(second.headers['x-artifact-cache'], 'MISS', 'no metadata entry was left by the cut download');
  t.is(upstream.hits('/f.bin', 'GET'), 2);

  const third = await hashedGet(url);
  assertWhole(t, third, body, 'hit');
  t.is(third.headers['x-artifact-cache'], 'HIT');
  t.deepEqual((await blobFiles(proxy.dataDir)).map((b) => b.actual), [sha256(body)]);
});
