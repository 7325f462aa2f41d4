import test from 'ava';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGoUpstream, type FixtureModule } from './goproxy-fixture.js';
import { startServe, type ServeProcess } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import type { Teardown } from './helpers/teardown.js';

const OLD = '2021-03-04T05:06:07Z';
const MODULES: FixtureModule[] = [
  { path: 'example.com/hello', version: 'v1.0.0', time: OLD, files: { 'hello.go': 'package hello\n' } },
  { path: 'example.com/hello', version: 'v1.1.0', time: OLD, files: { 'hello.go': 'package hello // 1.1\n' } },
  { path: 'github.com/Azure/Go-Thing', version: 'v0.2.0', time: OLD, files: { 'thing.go': 'package thing\n' } },
  { path: 'example.com/tampered', version: 'v1.0.0', time: OLD, files: { 'x.go': 'package x\n' }, tamper: 'zip' },
  { path: 'example.com/badmod', version: 'v1.0.0', time: OLD, files: { 'y.go': 'package y\n' }, tamper: 'mod' },
];
const SUMDB = 'sum.example.test';

async function startProxy(t: Teardown, remotes: string): Promise<ServeProcess> {
  const dir = await tempDir(t);
  return startServe(t, { config: await writeConfig(dir, `remotes:\n${remotes}`) });
}

const goRemote = (name: string, baseUrl: string, extra = '') =>
  `  ${name}:\n    type: remote\n    package: goproxy\n    base_url: '${baseUrl}'\n    sumdb_names: [${SUMDB}]\n${extra}`;

async function get(url: string): Promise<{ status: number; body: Buffer; cache: string | null; source: string | null; code?: string }> {
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  let code: string | undefined;
  if (res.status >= 400 && res.headers.get('content-type')?.includes('json')) code = (JSON.parse(body.toString()) as { error?: { code?: string } }).error?.code;
  return { status: res.status, body, cache: res.headers.get('x-artifact-cache'), source: res.headers.get('x-artifact-source'), ...(code ? { code } : {}) };
}

/** Whether any blob under the data directory holds these bytes. */
async function stored(dataDir: string, bytes: Buffer): Promise<boolean> {
  const hash = createHash('sha256').update(bytes).digest('hex');
  const files = await readdir(dataDir, { recursive: true });
  return files.some((f) => f.endsWith(hash));
}

test.serial('module files: byte-identical, immutable ones served from the cache, ! and %21 one entry, 404 is 404 and 410 is 410', async (t) => {
  const fixture = await startGoUpstream(t, MODULES, { sumdbName: SUMDB, gone: ['example.com/gone'] });
  const proxy = await startProxy(t, goRemote('go', fixture.upstream.url));
  const api = `${proxy.url}/api/v1/remote/go`;
  const thing = fixture.module('github.com/Azure/Go-Thing', 'v0.2.0');
  for (const [path, bytes] of [[thing.paths.info, thing.info], [thing.paths.mod, thing.mod], [thing.paths.zip, thing.zip]] as const) {
    const first = await get(api + path);
    t.is(first.status, 200, path);
    t.true(first.body.equals(bytes), `${path}: the upstream's bytes`);
    t.is(first.source, 'remote');
    const again = await get(api + path.replace(/!/g, '%21'));
    t.is(again.status, 200);
    t.true(again.body.equals(bytes));
    t.is(again.cache, 'HIT', `${path}: %21 spelling reads the same entry`);
    t.is(fixture.upstream.hits(path, 'GET'), 1, path);
  }
  const list = await get(`${api}${fixture.module('example.com/hello', 'v1.0.0').paths.list}`);
  t.is(list.body.toString(), 'v1.0.0\nv1.1.0\n');

  // go probes path prefixes and falls through a GOPROXY list on 404 and 410: each passes as itself, never a 5xx.
  t.is((await get(`${api}/example.com/@v/list`)).status, 404);
  t.is((await get(`${api}/example.com/missing/@v/list`)).status, 404);
  t.is((await get(`${api}/example.com/gone/@v/list`)).status, 410);
  t.is((await get(`${api}/example.com/gone/@v/v1.0.0.zip`)).status, 410);
  t.is((await get(`${api}/example.com/gone/@v/v1.0.0.zip`)).status, 410, 'a remembered 410 stays a 410');
  t.is(fixture.upstream.hits('/example.com/gone/@v/v1.0.0.zip'), 1, 'the 410 was asked upstream');
  // Not a protocol path, or not case-encoded: refused without asking upstream.
  t.is((await get(`${api}/example.com/Upper/@v/list`)).status, 403);
  t.is((await get(`${api}/robots.txt`)).status, 403);
  t.is(fixture.upstream.hits('/example.com/Upper/@v/list'), 0);
});

test.serial('checksum database passthrough: supported, lookup, tiles and latest byte-identical; lookups and tiles cached, latest revalidated, served stale when the database is gone; other databases refused', async (t) => {
  const fixture = await startGoUpstream(t, MODULES, { sumdbName: SUMDB });
  const proxy = await startProxy(t, goRemote('go', fixture.upstream.url, '    cache: { mutable_ttl: 1 }\n'));
  const api = `${proxy.url}/api/v1/remote/go/sumdb/${SUMDB}`;
  t.is((await get(`${api}/supported`)).status, 200);
  const n = MODULES.length;
  for (const rest of ['lookup/github.com/!azure/!go-!thing@v0.2.0', `tile/8/0/000.p/${n}`, `tile/8/data/000.p/${n}`, 'latest']) {
    const first = await get(`${api}/${rest}`);
    t.is(first.status, 200, rest);
    t.true(first.body.equals(fixture.sumdb.files.get(rest)!), `${rest}: the database's bytes`);
    const again = await get(`${api}/${rest}`);
    t.true(again.body.equals(fixture.sumdb.files.get(rest)!));
    t.is(again.cache, 'HIT', rest);
    t.is(fixture.upstream.hits(`/sumdb/${SUMDB}/${rest}`, 'GET'), 1, rest);
  }
  await sleep(1_500);
  t.is((await get(`${api}/latest`)).cache, 'REVALIDATED', 'the signed tree head is mutable');
  t.is((await get(`${api}/tile/8/0/000.p/${n}`)).cache, 'HIT', 'tiles are immutable');
  t.is(fixture.upstream.hits(`/sumdb/${SUMDB}/latest`, 'GET'), 2);

  const other = await get(`${proxy.url}/api/v1/remote/go/sumdb/sum.golang.org/supported`);
  t.is(other.status, 403);
  t.is(other.code, 'AAPI_ERR_PATH_DENIED');
  t.is(fixture.upstream.hits('/sumdb/sum.golang.org/supported'), 0);

  // With the database gone, go still verifies: the tree head is served stale, the rest from the cache.
  await fixture.upstream.close();
  await sleep(1_500);
  const stale = await get(`${api}/latest`);
  t.is(stale.status, 200);
  t.is(stale.cache, 'STALE');
  t.true(stale.body.equals(fixture.sumdb.files.get('latest')!));
  t.is((await get(`${api}/lookup/github.com/!azure/!go-!thing@v0.2.0`)).cache, 'HIT');
  t.is((await get(`${api}/supported`)).cache, 'STALE');
});

test.serial('a .zip or .mod whose h1: hash disagrees with the checksum database is a 502 and never stored; a matching one is verified and cached', async (t) => {
  const fixture = await startGoUpstream(t, MODULES, { sumdbName: SUMDB });
  const proxy = await startProxy(t, goRemote('go', fixture.upstream.url));
  const api = `${proxy.url}/api/v1/remote/go`;
  const tampered = fixture.module('example.com/tampered', 'v1.0.0');
  const badmod = fixture.module('example.com/badmod', 'v1.0.0');
  for (const [path, bytes] of [[tampered.paths.zip, tampered.zip], [badmod.paths.mod, badmod.mod]] as const) {
    for (let attempt = 1; attempt <= 2; attempt++) {
      const res = await get(api + path);
      t.is(res.status, 502, `${path} attempt ${attempt}`);
      t.is(res.code, 'AAPI_ERR_UPSTREAM_DIGEST', path);
      t.is(fixture.upstream.hits(path, 'GET'), attempt, `${path}: nothing was cached, so each attempt goes upstream`);
    }
    t.false(await stored(proxy.dataDir, bytes), `${path}: no blob holds the refused bytes`);
  }
  // The untampered files of the same versions pass the same check.
  t.is((await get(api + tampered.paths.mod)).status, 200);
  t.is((await get(api + badmod.paths.zip)).status, 200);
  const hello = fixture.module('example.com/hello', 'v1.0.0');
  t.is((await get(api + hello.paths.zip)).status, 200);
  t.is((await get(api + hello.paths.zip)).cache, 'HIT');
  t.is(fixture.upstream.hits(`/sumdb/${SUMDB}/lookup/example.com/hello@v1.0.0`, 'GET'), 1, 'one lookup verifies both files of a version');
});

test.serial('while the checksum database fails, files are stored unverified; once it answers, a cached file that disagrees is evicted and refused', async (t) => {
  const fixture = await startGoUpstream(t, MODULES, { sumdbName: SUMDB });
  const tampered = fixture.module('example.com/tampered', 'v1.0.0');
  const lookup = `/sumdb/${SUMDB}/lookup/example.com/tampered@v1.0.0`;
  const answer = fixture.sumdb.files.get('lookup/example.com/tampered@v1.0.0')!;
  fixture.upstream.setFile(lookup, { body: 'down\n', status: 503 });
  const proxy = await startProxy(t, goRemote('go', fixture.upstream.url, '    cache: { negative_ttl: 0 }\n'));
  const api = `${proxy.url}/api/v1/remote/go`;
  t.is((await get(api + tampered.paths.zip)).status, 200, 'served as fetched: nothing to check it against yet');
  t.is(fixture.upstream.hits(tampered.paths.zip, 'GET'), 1);

  fixture.upstream.setFile(lookup, { body: answer, contentType: 'text/plain' });
  const res = await get(api + tampered.paths.zip);
  t.is(res.status, 502);
  t.is(res.code, 'AAPI_ERR_UPSTREAM_DIGEST');
  t.is(fixture.upstream.hits(tampered.paths.zip, 'GET'), 2, 'the cached copy failed its check and was fetched again');
  t.false(await stored(proxy.dataDir, tampered.zip));
});

test.serial('virtual repositories merge @v/list across members; files come from the first member that has them', async (t) => {
  const a = await startGoUpstream(t, MODULES.slice(0, 2), { sumdbName: SUMDB });
  const b = await startGoUpstream(
    t,
    [
      { path: 'example.com/hello', version: 'v1.0.0', time: OLD, files: { 'hello.go': 'package hello\n' } },
      { path: 'example.com/hello', version: 'v1.2.0-rc.1', time: OLD, files: { 'hello.go': 'package hello // rc\n' } },
      { path: 'example.com/hello', version: 'v1.10.0', time: OLD, files: { 'hello.go': 'package hello // 1.10\n' } },
    ],
    { sumdbName: SUMDB },
  );
  const dir = await tempDir(t);
  const config = await writeConfig(dir, `remotes:\n${goRemote('go-a', a.upstream.url)}${goRemote('go-b', b.upstream.url)}virtuals:\n  go-all: { package: goproxy, members: [go-a, go-b] }\n`);
  const proxy = await startServe(t, { config });
  const api = `${proxy.url}/api/v1/virtual/go-all`;
  const list = await get(`${api}/example.com/hello/@v/list`);
  t.is(list.status, 200);
  t.is(list.body.toString(), 'v1.0.0\nv1.1.0\nv1.2.0-rc.1\nv1.10.0\n');
  const rc = b.module('example.com/hello', 'v1.2.0-rc.1');
  const zip = await get(api + rc.paths.zip);
  t.is(zip.status, 200);
  t.true(zip.body.equals(rc.zip), 'from the member that has it, verified against its checksum database');
});
