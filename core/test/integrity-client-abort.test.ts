import test from 'ava';
import { randomBytes } from 'node:crypto';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { blobFiles } from './helpers/data-dir.js';
import { hashedGet } from './helpers/hashed-get.js';
import { assertWhole, sha256 } from './helpers/integrity-asserts.js';
import { genericRemote, startProxy } from './helpers/proxy.js';
import { slowBody } from './helpers/slow-upstream.js';

const SIZE = 8 * 1024 * 1024;

test('a client that walks away mid-download harms neither the download, nor other clients, nor later requests', async (t) => {
  const body = randomBytes(SIZE);
  const slow = slowBody(body, { chunkSize: 512 * 1024, intervalMs: 20 });
  const upstream = await startUpstream({ handlers: { '/f.bin': slow.handler } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const url = `${proxy.url}/api/v1/remote/up/f.bin`;

  const [quitter, stayer] = await Promise.all([hashedGet(url, { abortAfterBytes: 1 }), hashedGet(url)]);
  t.true(quitter.size > 0 && quitter.size < SIZE, 'the first client left after its first chunk');
  assertWhole(t, stayer, body, 'client reading alongside');

  const health = await fetch(`${proxy.url}/health`);
  t.is(health.status, 200, 'the server is still up');
  await health.body?.cancel();

  const next = await hashedGet(url);
  assertWhole(t, next, body, 'next request');
  t.is(upstream.hits('/f.bin', 'GET'), 1, 'the next request was served by the download the quitter started');
  const later = await hashedGet(url);
  assertWhole(t, later, body, 'later request');
  t.is(later.headers['x-artifact-cache'], 'HIT');
  t.is(upstream.hits('/f.bin', 'GET'), 1);
  t.deepEqual((await blobFiles(proxy.dataDir)).map((b) => [b.name, b.actual]), [[sha256(body), sha256(body)]]);
});

test('the only client walking away mid-download leaves no partial blob that is ever served', async (t) => {
  const body = randomBytes(SIZE);
  const slow = slowBody(body, { chunkSize: 512 * 1024, intervalMs: 20 });
  const upstream = await startUpstream({ handlers: { '/g.bin': slow.handler } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const url = `${proxy.url}/api/v1/remote/up/g.bin`;

  const quitter = await hashedGet(url, { abortAfterBytes: 1 });
  t.true(quitter.size < SIZE);

  // The engine finishes the download for the cache although its only client left: the next
  // request joins it (or finds it stored) instead of asking the upstream again.
  const next = await hashedGet(url);
  assertWhole(t, next, body, 'next request');
  t.is(upstream.hits('/g.bin', 'GET'), 1, 'no second upstream GET');
  const later = await hashedGet(url);
  assertWhole(t, later, body, 'later request');
  t.is(later.headers['x-artifact-cache'], 'HIT');
  t.is(upstream.hits('/g.bin', 'GET'), 1);
  for (const blob of await blobFiles(proxy.dataDir)) t.is(blob.actual, blob.name);
});
