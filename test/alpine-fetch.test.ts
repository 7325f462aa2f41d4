import test from 'ava';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { alpineConfig, apkFetch, repositoryLine, startAlpineMirror } from './alpine-repo.js';

const OLD = 1_700_000_000; // 2023-11-14, older than any quarantine

test('apk fetch through the proxy: the signed index and the package arrive byte for byte, then come from the cache', async (t) => {
  const mirror = await startAlpineMirror(t, [
    { name: 'curl', version: '8.9.1-r0', buildTime: OLD, depends: ['libcurl'] },
    { name: 'libcurl', version: '8.9.1-r0', buildTime: OLD, signed: false },
  ]);
  const config = await writeConfig(await tempDir(t), alpineConfig(mirror, 'cache: { mutable_ttl: 3600 }'));
  const proc = await startServe(t, { config });
  const line = repositoryLine(proc.url);

  const first = await apkFetch(line, 'curl');
  t.true(first.index.equals(mirror.index), 'APKINDEX.tar.gz byte for byte (its signature checked out)');
  t.true(first.apk.equals(mirror.packages.curl!.bytes), 'the package byte for byte');
  t.is(first.cache.apk, 'MISS');
  t.is(mirror.upstream.hits(mirror.indexPath), 1);
  t.is(mirror.upstream.hits(mirror.packagePath('curl')), 1);

  const before = mirror.upstream.requests.length;
  const again = await apkFetch(line, 'curl');
  t.deepEqual(again.cache, { index: 'HIT', apk: 'HIT' });
  t.true(again.apk.equals(mirror.packages.curl!.bytes));
  t.true(again.index.equals(mirror.index));
  t.is(mirror.upstream.requests.length, before, 'the repeat sent nothing upstream');

  // apk update may send If-Modified-Since: an unchanged cached index answers 304 without asking upstream.
  const indexUrl = `${line}/x86_64/APKINDEX.tar.gz`;
  const lastModified = (await fetch(indexUrl, { method: 'HEAD' })).headers.get('last-modified');
  t.truthy(lastModified);
  const unchanged = await fetch(indexUrl, { headers: { 'if-modified-since': lastModified! } });
  t.is(unchanged.status, 304);
  t.is(mirror.upstream.requests.length, before);

  // An unsigned package (no signature member) verifies the same way.
  const lib = await apkFetch(line, 'libcurl');
  t.true(lib.apk.equals(mirror.packages.libcurl!.bytes));

  // A package the mirror does not have is a 404, not a 5xx.
  const missing = await fetch(`${line}/x86_64/nosuch-1.0-r0.apk`);
  t.is(missing.status, 404);
  await missing.arrayBuffer();
});
