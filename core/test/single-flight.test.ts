import test from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { blobFiles } from './helpers/data-dir.js';
import { hashedGet, type HashedResponse } from './helpers/hashed-get.js';
import { genericRemote, startProxy } from './helpers/proxy.js';
import { slowBody } from './helpers/slow-upstream.js';

const MiB = 1024 * 1024;
const SIZE = 32 * MiB;
const CLIENTS = 50;
/** How long the upstream holds its last chunk waiting for the clients; only reached when streaming is broken. */
const GATE_LIMIT_MS = 20_000;

// Both tests push hundreds of MiB through one process: run them one after the other.
test.serial('50 concurrent cold GETs cause one upstream GET, all stream before the upstream ends, all get identical bytes', async (t) => {
  const body = randomBytes(SIZE);
  const expected = sha256(body);
  let firstBytes = 0;
  let allStarted!: () => void;
  const started = new Promise<void>((resolve) => (allStarted = resolve));
  // The upstream waits for every client's first byte before its last chunk (or gives up after a
  // long while), so on a loaded machine the assertion below tests streaming, not scheduling luck:
  // an engine that made followers wait for the end would time the gate out and fail.
  const slow = slowBody(body, { beforeLastChunk: () => Promise.race([started, sleep(GATE_LIMIT_MS)]) });
  const upstream = await startUpstream({ handlers: { '/big.bin': slow.handler } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const url = `${proxy.url}/api/v1/remote/up/big.bin`;

  const onFirstByte = () => {
    if (++firstBytes === CLIENTS) allStarted();
  };
  const results = await Promise.all(Array.from({ length: CLIENTS }, () => hashedGet(url, { onFirstByte })));

  t.is(upstream.hits('/big.bin', 'GET'), 1, 'exactly one upstream GET');
  const lastChunkAt = slow.lastChunkAt;
  t.truthy(lastChunkAt, 'the upstream sent its whole body');
  results.forEach((r, i) => {
    t.is(r.status, 200, `client ${i} status`);
    t.is(r.headers['x-artifact-cache'], 'MISS', `client ${i} joined the download`);
    t.true(r.complete, `client ${i} got a complete response (${r.error?.message ?? 'no error'})`);
    t.is(r.size, SIZE, `client ${i} size`);
    t.is(r.sha256, expected, `client ${i} bytes`);
    t.true(r.firstByteAt! < lastChunkAt!, `client ${i} got its first byte before the upstream's last chunk`);
  });
  const lateBy = Math.max(...results.map((r) => r.firstByteAt!)) - results[0]!.headersAt!;
  t.log(`last first byte ${lateBy.toFixed(0)} ms after the first headers; upstream ended ${(lastChunkAt! - results[0]!.headersAt!).toFixed(0)} ms after them`);

  const again = await hashedGet(url);
  t.is(again.headers['x-artifact-cache'], 'HIT');
  t.is(again.sha256, expected);
  t.is(upstream.hits('/big.bin', 'GET'), 1);
  t.deepEqual((await blobFiles(proxy.dataDir)).map((b) => [b.name, b.actual]), [[expected, expected]]);
});

test.serial('a follower that joins after half the body still receives every byte from the start', async (t) => {
  const body = randomBytes(SIZE);
  const expected = sha256(body);
  let lateStarted!: () => void;
  const lateFirstByte = new Promise<void>((resolve) => (lateStarted = resolve));
  const slow = slowBody(body, { beforeLastChunk: () => Promise.race([lateFirstByte, sleep(GATE_LIMIT_MS)]) });
  const upstream = await startUpstream({ handlers: { '/big.bin': slow.handler } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const url = `${proxy.url}/api/v1/remote/up/big.bin`;

  const leader = hashedGet(url);
  await slow.whenSent(SIZE / 2);
  const late: HashedResponse = await hashedGet(url, { onFirstByte: lateStarted });
  const first = await leader;

  t.is(upstream.hits('/big.bin', 'GET'), 1);
  for (const [name, r] of [['leader', first], ['late follower', late]] as const) {
    t.is(r.status, 200, name);
    t.true(r.complete, `${name}: ${r.error?.message ?? 'complete'}`);
    t.is(r.size, SIZE, name);
    t.is(r.sha256, expected, name);
  }
  t.is(late.headers['x-artifact-cache'], 'MISS', 'the late request joined the download in flight');
  t.true(late.firstByteAt! < slow.lastChunkAt!, 'the late follower streamed before the upstream ended');
});

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
