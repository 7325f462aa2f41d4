import test from 'ava';
import { randomBytes } from 'node:crypto';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { blobFiles } from './helpers/data-dir.js';
import { hashedGet } from './helpers/hashed-get.js';
import { assertWhole, sha256 } from './helpers/integrity-asserts.js';
import { startProxy } from './helpers/proxy.js';

test('identical bytes under different paths, repositories and an upload are stored once, named by their sha256', async (t) => {
  // Large enough to stream from disk rather than live only in the memory tier.
  const same = randomBytes(600_000);
  const other = randomBytes(300_000);
  const upstream = await startUpstream({ files: { '/a/one.bin': same, '/b/two.bin': same, '/c/other.bin': other } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(
    t,
    `
auth: { admin_token: test-token }
remotes:
  first: { type: remote, package: generic, base_url: ${upstream.url} }
  second: { type: remote, package: generic, base_url: ${upstream.url} }
  hosted: { type: local, package: generic }
`,
  );
  const get = (path: string) => hashedGet(`${proxy.url}/api/v1/remote/${path}`);

  for (const path of ['first/a/one.bin', 'first/b/two.bin', 'second/a/one.bin']) assertWhole(t, await get(path), same, path);
  assertWhole(t, await get('first/c/other.bin'), other, 'first/c/other.bin');
  const put = await fetch(`${proxy.url}/api/v1/remote/hosted/copy.bin`, {
    method: 'PUT',
    headers: { authorization: 'Bearer test-token', 'content-type': 'application/octet-stream' },
    body: same,
  });
  t.is(put.status, 201, await put.text());
  assertWhole(t, await get('hosted/copy.bin'), same, 'hosted/copy.bin');

  const blobs = await blobFiles(proxy.dataDir);
  t.deepEqual(
    blobs.map((b) => b.name).sort(),
    [sha256(same), sha256(other)].sort(),
    'one blob per distinct content, however many paths refer to it',
  );
  for (const blob of blobs) {
    t.is(blob.actual, blob.name, `${blob.path} holds the bytes its name claims`);
    t.is(blob.path, `blobs/sha256/${blob.name.slice(0, 2)}/${blob.name}`, 'sharded by the first two hex digits');
  }

  // Every path still reads back its own bytes from the shared blob, now from cache.
  for (const path of ['first/a/one.bin', 'first/b/two.bin', 'second/a/one.bin', 'hosted/copy.bin']) {
    const hit = await get(path);
    assertWhole(t, hit, same, `${path} again`);
    t.is(hit.headers['x-artifact-source'], 'cache', path);
  }
});
