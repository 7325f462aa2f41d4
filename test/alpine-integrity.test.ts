import test from 'ava';
import { withAlteredControl } from '@artifactapi/plugin-alpine/fixtures';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { ApkFetchError, alpineConfig, apkFetch, repositoryLine, startAlpineMirror, type AlpineMirror } from './alpine-repo.js';

const OLD = 1_700_000_000;

/** A GET that never rejects: status, cache header and the error body (if any). */
async function attempt(url: string): Promise<{ status: number; cache: string | null; body: string }> {
  const res = await fetch(url);
  return { status: res.status, cache: res.headers.get('x-artifact-cache'), body: await res.text() };
}

async function proxyOf(t: Parameters<typeof startServe>[0], mirror: AlpineMirror) {
  // No negative caching: the tests take a package away upstream and bring it back.
  const config = await writeConfig(await tempDir(t), alpineConfig(mirror, 'cache: { mutable_ttl: 3600, negative_ttl: 0 }'));
  const proc = await startServe(t, { config });
  return { line: repositoryLine(proc.url), packageUrl: (file: string) => `${repositoryLine(proc.url)}/x86_64/${file}` };
}

test('a package whose control member was altered is refused with 502, never stored, and refused again', async (t) => {
  const mirror = await startAlpineMirror(t, [{ name: 'busybox', version: '1.36.1-r29', buildTime: OLD }]);
  const good = mirror.packages.busybox!;
  const altered = await withAlteredControl(good);
  t.is(altered.byteLength, good.bytes.byteLength, 'same size: only the C: check can tell');
  mirror.serveInstead('busybox', altered);
  const { line, packageUrl } = await proxyOf(t, mirror);

  for (const round of [1, 2]) {
    const r = await attempt(packageUrl(good.fileName));
    t.is(r.status, 502, `round ${round}`);
    t.regex(r.body, /AAPI_ERR_UPSTREAM_DIGEST/, `round ${round}`);
    t.regex(r.body, /apk-control expected Q1/, `round ${round}`);
    t.is(mirror.upstream.hits(mirror.packagePath('busybox')), round, 'nothing was stored, so each request goes upstream');
  }
  const walk = await apkFetch(line, 'busybox').catch((err: unknown) => err);
  t.true(walk instanceof ApkFetchError && walk.status === 502, String(walk));

  // With the upstream gone, there is no copy to fall back on: the altered bytes were never kept.
  mirror.upstream.deleteFile(mirror.packagePath('busybox'));
  t.is((await attempt(packageUrl(good.fileName))).status, 404);

  // The genuine package is stored and then served from the cache.
  mirror.serveInstead('busybox', good.bytes);
  const fixed = await apkFetch(line, 'busybox');
  t.true(fixed.apk.equals(good.bytes));
  t.is((await attempt(packageUrl(good.fileName))).cache, 'HIT');
});

test('a package whose size disagrees with S:, or that the index lists without C:, is refused and not stored', async (t) => {
  const mirror = await startAlpineMirror(
    t,
    [
      { name: 'zlib', version: '1.3.1-r1', buildTime: OLD },
      { name: 'musl', version: '1.2.5-r0', buildTime: OLD },
    ],
    { 'musl-1.2.5-r0.apk': { C: '' } },
  );
  const zlib = mirror.packages.zlib!;
  // The mirror serves the package with extra bytes after the data member: S: no longer matches.
  mirror.serveInstead('zlib', Buffer.concat([zlib.bytes, Buffer.from('trailing junk')]));
  const { packageUrl } = await proxyOf(t, mirror);

  for (const round of [1, 2]) {
    const r = await attempt(packageUrl(zlib.fileName));
    t.is(r.status, 502, `round ${round}`);
    t.regex(r.body, /AAPI_ERR_UPSTREAM_DIGEST/);
    t.regex(r.body, new RegExp(`lists ${zlib.bytes.byteLength} bytes`));
  }
  t.is(mirror.upstream.hits(mirror.packagePath('zlib')), 2);

  const unlisted = await attempt(packageUrl(mirror.packages.musl!.fileName));
  t.is(unlisted.status, 502);
  t.regex(unlisted.body, /AAPI_ERR_UPSTREAM_DIGEST/);
  t.not((await attempt(packageUrl(mirror.packages.musl!.fileName))).cache, 'HIT');
  t.is(mirror.upstream.hits(mirror.packagePath('musl')), 2);
});
