import test from 'ava';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { buildReleases, fixtureReleases, forgeConfig, startForge } from './puppet-forge.js';

interface Page {
  pagination: { offset: number; next: string | null; total: number };
  results: { version: string; file_uri: string }[];
}

test('each list page is cached under its own query, on remote and virtual repositories; other types keep the core behaviour', async (t) => {
  const forge = await startForge(t, await buildReleases(fixtureReleases()), { absolute: true });
  const extra = `
virtuals:
  forge-all: { package: puppet, members: [forge] }
`;
  const config = `${forgeConfig(forge.upstream.url)}
  files:
    type: local
    package: generic
${extra}`;
  const proxy = await startServe(t, { config: await writeConfig(await tempDir(t), config) });
  const base = `${proxy.url}/api/v1/remote/forge`;
  const get = async (url: string) => {
    const res = await fetch(url);
    t.is(res.status, 200, url);
    return { cache: res.headers.get('x-artifact-cache'), page: (await res.json()) as Page };
  };

  const first = await get(`${base}/v3/releases?module=acme-app&sort_by=version`);
  t.deepEqual(first.page.results.map((r) => r.version), ['1.2.0', '1.1.0']);
  t.is(first.page.pagination.next, '/v3/releases?module=acme-app&sort_by=version&limit=2&offset=2', 'root-relative, for the client to prefix');
  t.is(first.page.results[0]!.file_uri, '/v3/files/acme-app-1.2.0.tar.gz');
  const second = await get(`${base}${first.page.pagination.next!}`);
  t.deepEqual(second.page.results.map((r) => r.version), ['1.0.0']);
  const lib = await get(`${base}/v3/releases?module=acme-lib`);
  t.deepEqual(lib.page.results.map((r) => r.version), ['2.0.0', '1.0.0']);

  // The same queries again, the parameters in another order: hits, and the upstream saw each page once.
  t.is((await get(`${base}/v3/releases?sort_by=version&module=acme-app`)).cache, 'HIT');
  t.is((await get(`${base}/v3/releases?offset=2&limit=2&sort_by=version&module=acme-app`)).page.pagination.offset, 2);
  t.is(forge.listRequests.length, 3);

  // A virtual puppet repository answers list pages from its member, query included.
  const virtual = await get(`${proxy.url}/api/v1/virtual/forge-all/v3/releases?module=acme-lib`);
  t.deepEqual(virtual.page.results.map((r) => r.version), ['2.0.0', '1.0.0']);
  const head = await fetch(`${base}/v3/releases?module=acme-app&sort_by=version`, { method: 'HEAD' });
  t.is(head.status, 200);
  t.is(head.headers.get('content-type')?.split(';')[0], 'application/json');

  // A generic repository's own file at v3/releases is served as the core serves any path: query ignored.
  const put = await fetch(`${proxy.url}/api/v1/remote/files/v3/releases`, {
    method: 'PUT',
    headers: { authorization: 'Bearer puppet-test-token' },
    body: 'plain file',
  });
  t.is(put.status, 201);
  const plain = await fetch(`${proxy.url}/api/v1/remote/files/v3/releases?module=x`);
  t.is(plain.status, 200);
  t.is(await plain.text(), 'plain file');
  t.is((await fetch(`${proxy.url}/api/v1/remote/forge-all/v3/releases?module=acme-lib`)).status, 404, 'a virtual is not under /remote/');
  t.is((await fetch(`${proxy.url}/api/v1/remote/nope/v3/releases?module=acme-lib`)).status, 404);
});
