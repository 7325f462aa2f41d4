import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { blobFiles, eventually, tmpFilesWithBytes } from '@artifactapi/core/testing/data-dir';
import { hashedGet } from '@artifactapi/core/testing/hashed-get';
import { sha256 } from '@artifactapi/core/testing/integrity-asserts';
import { serviceGate } from '@artifactapi/core/testing/services';
import { mountTmpfs, tmpfsProbe } from '@artifactapi/core/testing/tmpfs';
import { concurrentGets, judge, judgements, type KnownArtifact } from './helpers/client-load.js';
import { startServe } from './helpers/serve-process.js';
import { streamedArtifact } from './helpers/streamed-artifact.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

// A real full disk: the data directory is a small tmpfs, which root may mount. Without mount the
// test is skipped here and fails in CI (ARTIFACTAPI_REQUIRE_SERVICES=1); core's
// integrity-disk-full.test.ts covers the blob writer's side with an injected ENOSPC then.
const test = await serviceGate('mount -t tmpfs (root)', tmpfsProbe);

const MiB = 1024 * 1024;
const CLIENTS = 10;

// core/test/integrity-disk-full.test.ts: one client, in process. Here: an `artifactapi serve`
// whose whole data directory (blobs and the SQLite metadata) is on the full disk, a download
// shared by several clients, hits during it, and recovery without a restart.
test.serial('the disk fills up during a download shared by 10 clients: each gets a cut body, hits go on, nothing partial is stored or served; with no byte left a miss is a 503; once there is room the same downloads succeed', async (t) => {
  const disk = await mountTmpfs(await mkdtemp(join(tmpdir(), 'aapi-fault-disk-')), 16 * MiB);
  // Teardowns run last-in first-out: the server, started later, is killed before this unmounts.
  t.teardown(() => disk.release());
  const hot: KnownArtifact = { kind: 'hot', path: '/hot.bin', body: randomBytes(64 * 1024) };
  const big: KnownArtifact = { kind: 'big', path: '/big.bin', body: randomBytes(6 * MiB) };
  // The upstream holds the body after its first MiB until every client has bytes of it.
  const streamed = streamedArtifact(big.body, { intervalMs: 5, chunkSize: 256 * 1024, holdAt: MiB });
  const upstream = await startUpstream({ files: { [hot.path]: hot.body }, handlers: { [big.path]: streamed.handler } });
  t.teardown(() => upstream.close());
  const config = await writeConfig(await tempDir(t), `log: { level: warn }\nremotes:\n  up: { type: remote, package: generic, base_url: ${upstream.url} }\n`);
  const serve = await startServe(t, { config, dataDir: disk.dir });
  const url = (a: KnownArtifact) => `${serve.url}/api/v1/remote/up${a.path}`;
  const logs = () => `--- serve\n${serve.stdout()}${serve.stderr()}`;

  t.is(judge(await hashedGet(url(hot)), hot), 'ok');
  // Leave about 2 MiB free: less than the big artifact needs.
  const free = async () => {
    const s = await statfs(disk.dir);
    return s.bavail * s.bsize;
  };
  const filler = join(disk.dir, 'filler');
  await writeFile(filler, Buffer.alloc((await free()) - 2 * MiB));

  const downloads = concurrentGets(CLIENTS, url(big));
  await downloads.streaming;
  streamed.holdAt = undefined;
  streamed.release();
  const hitsDuring = await Promise.all(Array.from({ length: 5 }, () => hashedGet(url(hot))));
  const cut = await downloads.answers;

  t.deepEqual(judgements(cut, big), ['cut'], `every client of the download saw it break off, every byte right\n${logs()}`);
  t.deepEqual(judgements(hitsDuring, hot), ['ok'], 'hits are served while the disk is full');
  t.is(upstream.hits(big.path, 'GET'), 1, 'one download for all ten clients');
  t.true(await eventually(async () => (await tmpFilesWithBytes(disk.dir)).length === 0), `temp files left: ${(await tmpFilesWithBytes(disk.dir)).join(', ')}`);
  t.deepEqual((await blobFiles(disk.dir)).map((b) => b.name), [sha256(hot.body)], 'nothing of the big artifact was committed');

  // Still full: asking again is a fresh download that fails again, never the partial bytes.
  const again = await hashedGet(url(big));
  t.is(judge(again, big), 'cut');
  t.is(again.headers['x-artifact-cache'], 'MISS');
  t.is(upstream.hits(big.path, 'GET'), 2);

  // Not a byte left: the download cannot even start (and SQLite cannot write). Hits still work.
  const small: KnownArtifact = { kind: 'small', path: '/small.bin', body: randomBytes(32 * 1024) };
  upstream.setFile(small.path, small.body);
  const lastByte = join(disk.dir, 'filler-rest');
  // The cut download's temp file goes shortly after its client saw the cut: wait, or its space comes back.
  t.true(await eventually(async () => (await tmpFilesWithBytes(disk.dir)).length === 0));
  await writeFile(lastByte, Buffer.alloc(await free())).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOSPC') throw err;
  });
  t.is(await free(), 0);
  t.is(judge(await hashedGet(url(hot)), hot), 'ok', 'a hit on a disk with no byte free');
  const smallFull = await hashedGet(url(small));
  t.is(judge(smallFull, small), '503 AAPI_ERR_STORAGE_UNAVAILABLE', `a small miss on a disk with no byte free\n${logs()}`);

  await rm(lastByte);
  await rm(filler);
  t.is(judge(await hashedGet(url(small)), small), 'ok', 'the small miss once there is room');
  const whole = await hashedGet(url(big));
  t.is(judge(whole, big), 'ok', `the same download once there is room\n${logs()}`);
  t.is(whole.headers['x-artifact-cache'], 'MISS');
  const hit = await hashedGet(url(big));
  t.is(judge(hit, big), 'ok');
  t.is(hit.headers['x-artifact-cache'], 'HIT');
  t.is(upstream.hits(big.path, 'GET'), 3);
  t.deepEqual(
    (await blobFiles(disk.dir)).map((b) => [b.name, b.actual]).sort(),
    [hot.body, small.body, big.body].map((body) => [sha256(body), sha256(body)]).sort(),
    'every stored blob hashes to its name',
  );
});
