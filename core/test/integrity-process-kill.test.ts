import test from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { spawnServer } from './helpers/child-server.js';
import { blobFiles, eventually, tmpFiles, tmpFilesWithBytes } from './helpers/data-dir.js';
import { hashedGet } from './helpers/hashed-get.js';
import { assertBrokenOff, assertWhole, sha256 } from './helpers/integrity-asserts.js';
import { genericRemote } from './helpers/proxy.js';
import { slowBody } from './helpers/slow-upstream.js';

const SIZE = 16 * 1024 * 1024;

test('a process killed mid-download leaves nothing that is served: orphans are removed at start, the path is fetched afresh', async (t) => {
  const body = randomBytes(SIZE);
  const slow = slowBody(body, { chunkSize: 512 * 1024, intervalMs: 50 });
  const fast = slowBody(body, { intervalMs: 0 });
  let calls = 0;
  const upstream = await startUpstream({
    handlers: { '/f.bin': (req, res) => (++calls === 1 ? slow : fast).handler(req, res) },
  });
  t.teardown(() => upstream.close());
  const dir = await mkdtemp(join(tmpdir(), 'aapi-kill-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const data = join(dir, 'data');
  const config = join(dir, 'config.yaml');
  await writeFile(config, `log: { level: warn }\n${genericRemote(upstream.url)}`);

  const first = await spawnServer(t, { config, data });
  const cut = hashedGet(`${first.url}/api/v1/remote/up/f.bin`);
  await slow.whenSent(SIZE / 4);
  // The partial blob must really be on disk when the process dies, or the cleanup proves nothing.
  t.true(
    await eventually(async () => (await tmpFilesWithBytes(data)).length > 0),
    'a partial temp file exists before the kill',
  );
  await first.kill('SIGKILL');
  assertBrokenOff(t, await cut, body, 'download of the killed process');
  t.true((await tmpFilesWithBytes(data)).length > 0, 'the killed process left its temp file');
  t.deepEqual(await blobFiles(data), [], 'nothing was committed before the kill');

  const second = await spawnServer(t, { config, data });
  t.deepEqual(await tmpFiles(data), [], 'orphaned temp files (spare ones too) are removed at start');
  const fresh = await hashedGet(`${second.url}/api/v1/remote/up/f.bin`);
  assertWhole(t, fresh, body, 'first request after the restart');
  t.is(fresh.headers['x-artifact-cache'], 'MISS', 'no metadata entry survived pointing at a partial blob');
  t.is(upstream.hits('/f.bin', 'GET'), 2);

  const hit = await hashedGet(`${second.url}/api/v1/remote/up/f.bin`);
  assertWhole(t, hit, body, 'hit');
  t.is(hit.headers['x-artifact-cache'], 'HIT');
  t.deepEqual((await blobFiles(data)).map((b) => [b.name, b.actual]), [[sha256(body), sha256(body)]]);
  await second.kill('SIGTERM');
});
