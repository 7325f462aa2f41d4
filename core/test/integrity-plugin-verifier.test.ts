import test from 'ava';
import { startUpstream, type UpstreamServer } from '@artifactapi/plugin-sdk/testkit';
import { pluginSandbox } from './helpers/plugin-sandbox.js';
import { startProxy } from './helpers/proxy.js';

// A plugin verifier (ArtifactFacts.verify) and a listed size (ArtifactFacts.size) decide, like a
// digest, whether downloaded bytes are committed: a mismatch is a 502 and nothing is stored.

interface Listed {
  size: number;
  prefix: string;
  verifier?: string;
}

async function setUp(t: Parameters<typeof startProxy>[0], files: Record<string, string>, list: Record<string, Listed> | { status: number }) {
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  for (const [path, body] of Object.entries(files)) upstream.setFile(`/${path}`, body);
  setList(upstream, list);
  const root = await pluginSandbox(t, ['artifactapi-plugin-verified']);
  const yaml = `remotes:\n  v: { type: remote, package: verified, base_url: '${upstream.url}', cache: { mutable_ttl: 0, negative_ttl: 0 } }\n`;
  const proxy = await startProxy(t, yaml, { pluginSearchFrom: [root] });
  return { upstream, get: (path: string) => fetch(`${proxy.url}/api/v1/remote/v/${path}`) };
}

function setList(upstream: UpstreamServer, list: Record<string, Listed> | { status: number }): void {
  upstream.setFile('/list.json', 'status' in list ? { body: 'down', status: list.status as number } : JSON.stringify(list));
}

async function answer(res: Response): Promise<{ status: number; cache: string | null; text: string }> {
  return { status: res.status, cache: res.headers.get('x-artifact-cache'), text: await res.text() };
}

test('bytes the verifier accepts are stored and served from the cache', async (t) => {
  const { upstream, get } = await setUp(t, { 'a.bin': 'GOOD payload' }, { 'a.bin': { size: 12, prefix: 'GOOD' } });
  t.deepEqual(await answer(await get('a.bin')), { status: 200, cache: 'MISS', text: 'GOOD payload' });
  t.deepEqual(await answer(await get('a.bin')), { status: 200, cache: 'HIT', text: 'GOOD payload' });
  t.is(upstream.hits('/a.bin'), 1);
});

test('bytes the verifier refuses are a 502 before any byte is sent, and are never stored', async (t) => {
  const { upstream, get } = await setUp(t, { 'a.bin': 'EVIL payload' }, { 'a.bin': { size: 12, prefix: 'GOOD' } });
  for (const round of [1, 2]) {
    const r = await answer(await get('a.bin'));
    t.is(r.status, 502, `round ${round}`);
    t.regex(r.text, /AAPI_ERR_UPSTREAM_DIGEST.*prefix expected GOOD, got \\"EVIL\\"/);
    t.is(upstream.hits('/a.bin'), round);
  }
});

test('a body whose length is not the listed size is a 502 and is never stored', async (t) => {
  const { upstream, get } = await setUp(t, { 'a.bin': 'GOOD payload plus more' }, { 'a.bin': { size: 12, prefix: 'GOOD' } });
  for (const round of [1, 2]) {
    const r = await answer(await get('a.bin'));
    t.is(r.status, 502);
    t.regex(r.text, /AAPI_ERR_UPSTREAM_DIGEST.*lists 12 bytes, the upstream sent 22/);
    t.is(upstream.hits('/a.bin'), round);
  }
});

test('a verifier the plugin does not have fails closed: a 500 and nothing is fetched', async (t) => {
  const { upstream, get } = await setUp(t, { 'a.bin': 'GOOD payload' }, { 'a.bin': { size: 12, prefix: 'GOOD', verifier: 'nosuch' } });
  const r = await answer(await get('a.bin'));
  t.is(r.status, 500);
  t.regex(r.text, /AAPI_ERR_PLUGIN_FAILED.*verifier \\"nosuch\\"/);
  t.is(upstream.hits('/a.bin'), 0);
});

test('bytes stored while the index was down are verified once it is back: kept when they pass, evicted when not', async (t) => {
  const { upstream, get } = await setUp(t, { 'good.bin': 'GOOD payload', 'bad.bin': 'EVIL payload' }, { status: 503 });
  t.is((await answer(await get('good.bin'))).status, 200, 'served unverified while the index is down');
  t.is((await answer(await get('bad.bin'))).status, 200);

  setList(upstream, { 'good.bin': { size: 12, prefix: 'GOOD' }, 'bad.bin': { size: 12, prefix: 'GOOD' } });
  t.deepEqual(await answer(await get('good.bin')), { status: 200, cache: 'HIT', text: 'GOOD payload' });
  t.is(upstream.hits('/good.bin'), 1, 'checked against the index, kept');

  const bad = await answer(await get('bad.bin'));
  t.is(bad.status, 502, 'the stored copy was evicted and the upstream still sends the wrong bytes');
  t.is(upstream.hits('/bad.bin'), 2);
});
