import test from 'ava';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { alpineConfig, apkFetch, repositoryLine, startAlpineMirror } from './alpine-repo.js';

test('quarantine_days: a package built less than N days ago (t:) answers 451; the signed index is served unchanged', async (t) => {
  const now = Math.floor(Date.now() / 1000);
  const mirror = await startAlpineMirror(t, [
    { name: 'openssl', version: '3.3.2-r0', buildTime: now - 3600 },
    { name: 'zlib', version: '1.3.1-r1', buildTime: now - 30 * 86_400 },
  ]);
  const config = await writeConfig(await tempDir(t), alpineConfig(mirror, 'quarantine_days: 7'));
  const proc = await startServe(t, { config });
  const line = repositoryLine(proc.url);

  const young = await fetch(`${line}/x86_64/${mirror.packages.openssl!.fileName}`);
  t.is(young.status, 451);
  const body = (await young.json()) as { error: { code: string; message: string } };
  t.is(body.error.code, 'AAPI_ERR_QUARANTINED');
  t.regex(body.error.message, /openssl-3\.3\.2-r0 was published/);
  t.is(mirror.upstream.hits(mirror.packagePath('openssl')), 0, 'a quarantined package is not even fetched');

  // The index cannot be filtered without breaking its signature: it is passed on as the mirror signed it.
  const old = await apkFetch(line, 'zlib');
  t.true(old.index.equals(mirror.index));
  t.true(old.apk.equals(mirror.packages.zlib!.bytes));
});
