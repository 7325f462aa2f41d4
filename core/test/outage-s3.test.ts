import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import test from 'ava';
import type { DiskTieredBlobStore } from '../src/storage/disk-tiered-blob-store.js';
import type { S3BlobStore } from '../src/storage/index.js';
import { sha256 } from './conformance/blob-store-conformance.js';
import { fetchSummary } from './helpers/fetch-summary.js';
import { hashedGet } from './helpers/hashed-get.js';
import { eventually, health, whenStored } from './helpers/outage.js';
import { genericRemote, startProxy } from './helpers/proxy.js';
import { s3StorageYaml, startS3rver, type S3rverInstance } from './helpers/s3rver.js';

/** Every object key under the store's prefix, straight from S3. */
async function keysOf(store: S3BlobStore): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await store.client.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: store.prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) keys.push(object.Key!.slice(store.prefix.length));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

// s3rver runs in a child process started here, so an outage is a real one (refused connections).
test('s3 down: a stored blob not in memory is a 503 AAPI_ERR_STORAGE_UNAVAILABLE, a cold miss is served whole and not stored, /health is 503 naming storage; back up: same requests succeed without restart', async (t) => {
  const first = await startS3rver();
  let current: S3rverInstance = first;
  t.teardown(async () => {
    await current.stop();
    await first.close(); // removes the directory both instances used
  });

  // The disk tier is off: with it, this replica would serve its own copy (the next test).
  const big = randomBytes(1024 * 1024); // above max_object_bytes: always read from S3
  const small = 'small enough for the memory tier';
  const cold = randomBytes(300 * 1024);
  const upstream = await startUpstream({ files: { '/big.bin': big, '/small.txt': small, '/cold.bin': cold } });
  t.teardown(() => upstream.close());
  const yaml = `
${s3StorageYaml(first, { prefix: `run-${randomBytes(6).toString('hex')}/`, disk_cache: '{ max_bytes: 0 }' })}memory_cache: { max_object_bytes: 65536 }
${genericRemote(upstream.url)}`;
  const proxy = await startProxy(t, yaml);
  const blobs = proxy.server.context.backends.blobs as S3BlobStore;
  const artifact = (name: string) => `${proxy.url}/api/v1/remote/up/${name}`;

  t.like(await hashedGet(artifact('big.bin')), { status: 200, sha256: sha256(big) });
  t.like(await fetchSummary(artifact('small.txt')), { status: 200, source: 'remote' });
  await whenStored(proxy, 'up', 'big.bin');
  await whenStored(proxy, 'up', 'small.txt');
  // A hit loads the small blob's bytes into the memory tier.
  t.like(await fetchSummary(artifact('small.txt')), { status: 200, cache: 'HIT', body: small });

  await first.stop();
  const down = await eventually('/health during the S3 outage', () => health(proxy.url), (h) => !h.body.backends.storage.ok);
  t.is(down.status, 503);
  t.like(down.body, { status: 'unavailable', backends: { storage: { kind: 's3', ok: false }, metadata: { ok: true } } });
  t.regex(down.body.backends.storage.error ?? '', /s3/);

  const bigDown = await fetchSummary(artifact('big.bin'));
  t.like(bigDown, { status: 503, code: 'AAPI_ERR_STORAGE_UNAVAILABLE' });
  t.regex(bigDown.body, /s3/, 'the message names the backend');
  t.like(await fetchSummary(artifact('small.txt')), { status: 200, cache: 'HIT', body: small }, 'the memory tier still serves');
  // Clients follow the miss's local spool, not S3: they get the whole body, which is not stored.
  t.like(await hashedGet(artifact('cold.bin')), { status: 200, complete: true, sha256: sha256(cold), headers: { 'x-artifact-cache': 'MISS' } });
  t.like(await hashedGet(artifact('cold.bin')), { status: 200, complete: true, sha256: sha256(cold), headers: { 'x-artifact-cache': 'MISS' } });
  t.is(upstream.hits('/cold.bin', 'GET'), 2, 'each miss during the outage goes upstream');
  t.is(await proxy.server.context.backends.meta.get('up', 'cold.bin'), undefined, 'a miss that could not be stored leaves no entry');

  current = await startS3rver({ port: first.port, directory: first.directory, bucket: first.bucket });
  const up = await eventually('/health after S3 is back', () => health(proxy.url), (h) => h.status === 200);
  t.like(up.body, { status: 'ok', backends: { storage: { ok: true } } });

  t.like(await hashedGet(artifact('big.bin')), { status: 200, complete: true, sha256: sha256(big), headers: { 'x-artifact-cache': 'HIT' } });
  t.like(await hashedGet(artifact('cold.bin')), { status: 200, complete: true, sha256: sha256(cold), headers: { 'x-artifact-source': 'remote' } });
  await whenStored(proxy, 'up', 'cold.bin');
  t.like(await hashedGet(artifact('cold.bin')), { status: 200, sha256: sha256(cold), headers: { 'x-artifact-cache': 'HIT' } });
  t.is(upstream.hits('/big.bin', 'GET'), 1, 'the blob stored before the outage was not lost');

  // Nothing corrupt in the bucket: no temporary object left, and every blob hashes to its name.
  t.deepEqual((await keysOf(blobs)).filter((key) => !key.startsWith('blobs/')), []);
  const digests: string[] = [];
  for await (const { digest } of blobs.list()) {
    digests.push(digest);
    t.is(sha256(await blobs.readAll(digest)), digest);
  }
  t.deepEqual(digests.sort(), [sha256(big), sha256(Buffer.from(small)), sha256(cold)].sort());
});

test('s3 down: each miss gives its upstream connection back, so more misses than the pool has sockets are all served whole, and stored once S3 is back', async (t) => {
  const s3 = await startS3rver();
  let current: S3rverInstance = s3;
  t.teardown(async () => {
    await current.stop();
    await s3.close();
  });
  // Larger than socket buffers hold: an unread body keeps its connection busy.
  const body = randomBytes(256 * 1024);
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, `${s3StorageYaml(s3)}${genericRemote(upstream.url)}`);
  await s3.stop();

  // 64 is the upstream pool's sockets per host (POOL_OPTIONS.maxSockets).
  const answers = new Set<string>();
  for (let i = 0; i < 70; i++) {
    upstream.setFile(`/miss-${i}.bin`, body);
    const res = await hashedGet(`${proxy.url}/api/v1/remote/up/miss-${i}.bin`);
    answers.add(`${res.status} ${res.complete} ${res.sha256 === sha256(body)}`);
  }
  t.deepEqual([...answers], ['200 true true']);
  t.is(await proxy.server.context.backends.meta.get('up', 'miss-0.bin'), undefined);

  current = await startS3rver({ port: s3.port, directory: s3.directory, bucket: s3.bucket });
  upstream.setFile('/after.bin', body);
  t.like(await hashedGet(`${proxy.url}/api/v1/remote/up/after.bin`), { status: 200, complete: true, sha256: sha256(body) });
  await whenStored(proxy, 'up', 'after.bin');
});

test('s3 down: a blob in this replica\'s disk tier is still served whole, one it never held is a 503', async (t) => {
  const s3 = await startS3rver();
  t.teardown(() => s3.close());
  const held = randomBytes(2 * 1024 * 1024);
  const other = randomBytes(2 * 1024 * 1024);
  const upstream = await startUpstream({ files: { '/held.bin': held, '/other.bin': other } });
  t.teardown(() => upstream.close());
  const yaml = `
${s3StorageYaml(s3, { prefix: `run-${randomBytes(6).toString('hex')}/` })}memory_cache: { max_object_bytes: 65536 }
${genericRemote(upstream.url)}`;
  const proxy = await startProxy(t, yaml);
  const artifact = (name: string) => `${proxy.url}/api/v1/remote/up/${name}`;
  t.like(await hashedGet(artifact('held.bin')), { status: 200, sha256: sha256(held) });
  t.like(await hashedGet(artifact('other.bin')), { status: 200, sha256: sha256(other) });
  await whenStored(proxy, 'up', 'held.bin');
  await whenStored(proxy, 'up', 'other.bin');
  // Another replica's blob, as far as this one's disk knows.
  const tiered = proxy.server.context.backends.blobs as DiskTieredBlobStore;
  await tiered.tier.remove(sha256(other));

  await s3.stop();
  await eventually('/health during the S3 outage', () => health(proxy.url), (h) => !h.body.backends.storage.ok);
  t.like(await hashedGet(artifact('held.bin')), { status: 200, complete: true, sha256: sha256(held), headers: { 'x-artifact-cache': 'HIT' } });
  t.like(await fetchSummary(artifact('other.bin')), { status: 503, code: 'AAPI_ERR_STORAGE_UNAVAILABLE' });
});

test('s3 down: a miss larger than an upload part, whose first part fails mid-body, is still served whole and not stored', async (t) => {
  const s3 = await startS3rver();
  t.teardown(() => s3.close());
  // Three 8 MiB upload parts' worth: the upload fails once the first part is sent, mid-body.
  const large = randomBytes(20 * 1024 * 1024);
  const upstream = await startUpstream({ files: { '/large.bin': large } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, `${s3StorageYaml(s3, { prefix: `run-${randomBytes(6).toString('hex')}/` })}${genericRemote(upstream.url)}`);
  await s3.stop();
  t.like(await hashedGet(`${proxy.url}/api/v1/remote/up/large.bin`), { status: 200, complete: true, sha256: sha256(large), headers: { 'x-artifact-cache': 'MISS' } });
  t.is(await proxy.server.context.backends.meta.get('up', 'large.bin'), undefined);
});
