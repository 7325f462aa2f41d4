import test, { type ExecutionContext } from 'ava';
import { startProxy } from '@artifactapi/core/testing/proxy';
import { getWithHeaders, type HeadersGetResult } from './helpers/get-with-headers.js';
import { startFixtureRegistry } from './npm-fixture-registry.js';

const PACKUMENT = '/api/v1/remote/npmjs/pkg';
const TARBALL_PATH = `${PACKUMENT}/-/pkg-1.0.0.tgz`;
const FORWARDED = { 'x-forwarded-host': 'public.example', 'x-forwarded-proto': 'https' };

/** An in-process server proxying a one-package npm registry, with top-level settings as given. */
async function serve(t: ExecutionContext, settings: string): Promise<string> {
  return (await serveWithRegistry(t, settings)).url;
}

async function serveWithRegistry(t: ExecutionContext, settings: string): Promise<{ url: string; upstreamRequests: () => number }> {
  const registry = await startFixtureRegistry(t, [{ name: 'pkg', version: '1.0.0', published: new Date('2022-03-03T00:00:00Z') }]);
  const proxy = await startProxy(t, `${settings}\nremotes:\n  npmjs: { type: remote, package: npm, base_url: '${registry.upstream.url}' }\n`);
  return { url: proxy.url, upstreamRequests: () => registry.upstream.requests.length };
}

async function packument(url: string, headers: Record<string, string>): Promise<HeadersGetResult> {
  return getWithHeaders(`${url}${PACKUMENT}`, { accept: 'application/json', ...headers });
}

function tarballOf(res: HeadersGetResult): string {
  const doc = JSON.parse(res.body.toString()) as { versions: Record<string, { dist: { tarball: string } }> };
  return doc.versions['1.0.0']!.dist.tarball;
}

function errorCode(res: HeadersGetResult): string {
  return (JSON.parse(res.body.toString()) as { code: string }).code;
}

test('by default forwarded headers are ignored: tarball URLs use Host, and the document varies by Accept and Host', async (t) => {
  const url = await serve(t, '');
  const res = await packument(url, { host: 'registry.test:8080', ...FORWARDED });
  t.is(res.status, 200);
  t.is(tarballOf(res), `http://registry.test:8080${TARBALL_PATH}`);
  t.is(res.headers.vary, 'Accept, Host');

  // Not trusted, so not used, so not refused either.
  const odd = await packument(url, { host: 'registry.test', 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'a@b/c' });
  t.is(odd.status, 200);
  t.is(tarballOf(odd), `http://registry.test${TARBALL_PATH}`);
});

test('with trust_proxy listing the peer, X-Forwarded-Host and -Proto make the tarball URLs and are in Vary', async (t) => {
  const url = await serve(t, 'server: { trust_proxy: [127.0.0.0/8] }');
  const res = await packument(url, { host: 'internal:8000', ...FORWARDED });
  t.is(res.status, 200);
  t.is(tarballOf(res), `https://public.example${TARBALL_PATH}`);
  t.is(res.headers.vary, 'Accept, Host, X-Forwarded-Host, X-Forwarded-Proto');
  // Without forwarded headers from the proxy, Host and the connection's scheme still count.
  t.is(tarballOf(await packument(url, { host: 'internal:8000' })), `http://internal:8000${TARBALL_PATH}`);
});

test('with trust_proxy listing other addresses, a loopback peer is not believed', async (t) => {
  const url = await serve(t, 'server: { trust_proxy: [10.0.0.0/8, "2001:db8::/32"] }');
  const res = await packument(url, { host: 'registry.test', ...FORWARDED });
  t.is(tarballOf(res), `http://registry.test${TARBALL_PATH}`);
});

test('a trusted X-Forwarded-Proto other than http(s), or a forwarded host with a path or userinfo, is a 400', async (t) => {
  const url = await serve(t, 'server: { trust_proxy: true }');
  const cases: Record<string, string>[] = [
    { 'x-forwarded-proto': 'javascript' },
    { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example/path' },
    { 'x-forwarded-host': 'user@evil.example' },
    { 'x-forwarded-host': 'evil.example:99999' },
    { 'x-forwarded-host': `${'a'.repeat(300)}.example` },
  ];
  for (const forwarded of cases) {
    const res = await packument(url, { host: 'registry.test', ...forwarded });
    t.is(res.status, 400, JSON.stringify(forwarded));
    t.is(errorCode(res), 'AAPI_ERR_HOST_INVALID');
  }
});

test('a Host with a path, userinfo or spaces is a 400, never a rewritten document', async (t) => {
  const { url, upstreamRequests } = await serveWithRegistry(t, '');
  for (const host of ['evil.example/x', 'user@evil.example', 'evil.example x', '[::1', 'a..b']) {
    const res = await packument(url, { host });
    t.is(res.status, 400, host);
    t.is(errorCode(res), 'AAPI_ERR_HOST_INVALID');
  }
  t.is(upstreamRequests(), 0, 'refused before the document is fetched');
  // IPv6 literals and upper case are fine; case does not make another copy.
  t.is(tarballOf(await packument(url, { host: '[::1]:8000' })), `http://[::1]:8000${TARBALL_PATH}`);
  t.is(tarballOf(await packument(url, { host: 'Registry.TEST' })), `http://registry.test${TARBALL_PATH}`);
});

test('with public_url set, request headers neither shape the document nor appear in Vary', async (t) => {
  const url = await serve(t, 'public_url: https://artifacts.example.com/\nserver: { trust_proxy: true }');
  const res = await packument(url, { host: 'evil.example/x', 'x-forwarded-proto': 'javascript' });
  t.is(res.status, 200);
  t.is(tarballOf(res), `https://artifacts.example.com${TARBALL_PATH}`);
  t.is(res.headers.vary, 'Accept');
});
