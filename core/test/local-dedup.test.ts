import test from 'ava';
import { blobFiles } from './helpers/data-dir.js';
import { fetchSummary } from './helpers/fetch-summary.js';
import { startProxy } from './helpers/proxy.js';

// Content-addressed storage: one blob file however many paths hold the same bytes; it is deleted
// only when the last path referring to it is.

const TOKEN = 'test-token';
const LOCAL = `
auth: { admin_token: ${TOKEN} }
remotes:
  files: { type: local, package: generic }
  more: { type: local, package: generic }
`;

test('two paths (and two repositories) with the same content share one blob file', async (t) => {
  const proxy = await startProxy(t, LOCAL);
  const auth = { authorization: `Bearer ${TOKEN}` };
  const urls = ['files/a/one.bin', 'files/b/two.bin', 'more/three.bin'].map((p) => `${proxy.url}/api/v1/remote/${p}`);
  for (const url of urls) t.like(await fetchSummary(url, { method: 'PUT', body: 'shared bytes', headers: auth }), { status: 201 });
  t.like(await fetchSummary(`${proxy.url}/api/v1/remote/files/other.bin`, { method: 'PUT', body: 'other bytes', headers: auth }), { status: 201 });
  t.is((await blobFiles(proxy.dataDir)).length, 2);

  // Deleting one path keeps the blob for the others.
  t.like(await fetchSummary(urls[0]!, { method: 'DELETE', headers: auth }), { status: 204 });
  t.is((await blobFiles(proxy.dataDir)).length, 2);
  t.like(await fetchSummary(urls[1]!), { status: 200, body: 'shared bytes' });
  t.like(await fetchSummary(urls[2]!), { status: 200, body: 'shared bytes' });

  // The last reference takes the blob with it.
  for (const url of urls.slice(1)) t.like(await fetchSummary(url, { method: 'DELETE', headers: auth }), { status: 204 });
  const left = await blobFiles(proxy.dataDir);
  t.is(left.length, 1);
  t.is(left[0]!.size, 'other bytes'.length);
});
