import test from 'ava';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { alpineConfig, apkFetch, repositoryLine, startAlpineMirror } from './alpine-repo.js';

const OLD = 1_700_000_000;

test('APKINDEX is revalidated after mutable_ttl, and everything fetched still installs with the upstream gone', async (t) => {
  const mirror = await startAlpineMirror(t, [
    { name: 'curl', version: '8.9.1-r0', buildTime: OLD },
    { name: 'ca-certificates', version: '20240705-r0', buildTime: OLD },
  ]);
  const config = await writeConfig(await tempDir(t), alpineConfig(mirror, 'cache: { mutable_ttl: 1 }'));
  const proc = await startServe(t, { config });
  const line = repositoryLine(proc.url);

  await apkFetch(line, 'curl');
  await apkFetch(line, 'ca-certificates');
  await sleep(1_100); // past mutable_ttl

  const revalidated = await apkFetch(line, 'curl');
  t.is(revalidated.cache.index, 'REVALIDATED');
  t.is(revalidated.cache.apk, 'HIT', 'packages never expire');
  const indexRequests = mirror.upstream.requests.filter((r) => r.path === mirror.indexPath);
  t.true(indexRequests.length >= 2);
  const last = indexRequests.at(-1)!;
  t.is(last.headers['if-none-match'], `"${createHash('sha1').update(mirror.index).digest('hex')}"`, 'the expired index is asked for conditionally');
  t.true(revalidated.index.equals(mirror.index));

  await mirror.upstream.close();
  await sleep(1_100); // the index expires again, with nobody to ask

  for (const name of ['curl', 'ca-certificates']) {
    const offline = await apkFetch(line, name);
    t.true(offline.apk.equals(mirror.packages[name]!.bytes), name);
    t.true(offline.index.equals(mirror.index), `${name}: the stale index, still byte for byte`);
    t.is(offline.cache.apk, 'HIT');
  }
});
