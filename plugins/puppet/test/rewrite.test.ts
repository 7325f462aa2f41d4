import test from 'ava';
import { runRewriter } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';
import { UPSTREAM, listPage, release } from './documents.js';

const absolute = (path: string) => `${UPSTREAM}${path}`;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions walk arbitrary Forge JSON
const decode = (body: Uint8Array) => JSON.parse(new TextDecoder().decode(body)) as Record<string, any>;

test('absolute upstream URLs become root-relative /v3/ paths, which puppet prefixes with the proxy base', async (t) => {
  const page = listPage([release('acme-app-1.2.0', '2022-01-01 02:00:00 -0800', absolute)], 3, absolute('/v3/releases?limit=2&module=acme-app&offset=2'));
  const out = decode((await runRewriter(plugin, 'forge-list', JSON.stringify(page), { upstreamBase: UPSTREAM, path: 'v3/releases;module=acme-app' })).body);
  t.is(out.pagination.next, '/v3/releases?limit=2&module=acme-app&offset=2');
  t.is(out.results[0].file_uri, '/v3/files/acme-app-1.2.0.tar.gz');
  t.is(out.results[0].uri, '/v3/releases/acme-app-1.2.0');
  t.is(out.results[0].module.owner.uri, '/v3/users/acme');
});

test('URLs elsewhere are left alone: another host, or outside the base path', async (t) => {
  const doc = release('acme-app-1.0.0', '2020-01-01 00:00:00 -0800');
  doc.file_uri = 'https://cdn.example/v3/files/acme-app-1.0.0.tar.gz';
  doc.uri = 'https://forge.example/other/v3/releases/acme-app-1.0.0';
  const out = decode((await runRewriter(plugin, 'forge-release', JSON.stringify(doc), { upstreamBase: UPSTREAM, path: 'v3/releases/acme-app-1.0.0' })).body);
  t.is(out.file_uri, 'https://cdn.example/v3/files/acme-app-1.0.0.tar.gz');
  t.is(out.uri, 'https://forge.example/other/v3/releases/acme-app-1.0.0');
});

test('a root-relative document with no quarantine comes back byte for byte', async (t) => {
  const text = `${JSON.stringify(listPage([release('acme-app-1.0.0', '2020-01-01 00:00:00 -0800')], 1, null), null, 2)}\n`;
  const result = await runRewriter(plugin, 'forge-list', text, { upstreamBase: UPSTREAM, path: 'v3/releases;module=acme-app' });
  t.is(new TextDecoder().decode(result.body), text);
  t.is(result.contentType, 'application/json');
});

test('quarantine leaves young releases out of a list page and lowers pagination.total', async (t) => {
  const cutoff = Date.parse('2023-01-01T00:00:00Z');
  const page = listPage([release('acme-app-1.2.0', '2024-05-01 10:00:00 -0700'), release('acme-app-1.1.0', '2021-06-01 03:00:00 -0700')], 3, '/v3/releases?limit=2&module=acme-app&offset=2');
  const out = decode((await runRewriter(plugin, 'forge-list', JSON.stringify(page), { path: 'v3/releases;module=acme-app', quarantineCutoff: cutoff })).body);
  t.deepEqual(out.results.map((r: { version: string }) => r.version), ['1.1.0']);
  t.is(out.pagination.total, 2);
});

test('the Forge timestamp zone counts: 23:30 -0800 is after 07:00 UTC the next day', async (t) => {
  const cutoff = Date.parse('2024-01-02T07:00:00Z');
  const page = listPage([release('acme-app-1.0.0', '2024-01-01 23:30:00 -0800')], 1, null);
  const out = decode((await runRewriter(plugin, 'forge-list', JSON.stringify(page), { path: 'v3/releases;module=acme-app', quarantineCutoff: cutoff })).body);
  t.deepEqual(out.results, []);
});

test('quarantine on a module: releases[] filtered, current_release falls back to the newest remaining release', async (t) => {
  const module = {
    slug: 'acme-app',
    current_release: release('acme-app-1.2.0', '2024-05-01 10:00:00 -0700'),
    releases: [
      { version: '1.2.0', slug: 'acme-app-1.2.0', file_uri: '/v3/files/acme-app-1.2.0.tar.gz', created_at: '2024-05-01 10:00:00 -0700' },
      { version: '1.1.0', slug: 'acme-app-1.1.0', file_uri: '/v3/files/acme-app-1.1.0.tar.gz', created_at: '2021-06-01 03:00:00 -0700' },
      { version: '1.0.0', slug: 'acme-app-1.0.0', file_uri: '/v3/files/acme-app-1.0.0.tar.gz', created_at: '2020-01-01 00:00:00 -0800' },
    ],
  };
  const out = decode((await runRewriter(plugin, 'forge-module', JSON.stringify(module), { path: 'v3/modules/acme-app', quarantineCutoff: Date.parse('2023-01-01T00:00:00Z') })).body);
  t.deepEqual(out.releases.map((r: { version: string }) => r.version), ['1.1.0', '1.0.0']);
  t.is(out.current_release.version, '1.1.0');
});

test('a module search page filters each module', async (t) => {
  const page = {
    pagination: { total: 1, next: null },
    results: [{ slug: 'acme-app', current_release: release('acme-app-1.2.0', '2024-05-01 10:00:00 -0700'), releases: [{ version: '1.2.0', created_at: '2024-05-01 10:00:00 -0700' }] }],
  };
  const out = decode((await runRewriter(plugin, 'forge-list', JSON.stringify(page), { path: 'v3/modules;query=app', quarantineCutoff: Date.parse('2023-01-01T00:00:00Z') })).body);
  t.deepEqual(out.results[0].releases, []);
  t.is(out.results[0].current_release, null);
  t.is(out.pagination.total, 1, 'modules stay listed');
});

test('a document that is not JSON is the upstream\'s fault (SyntaxError)', async (t) => {
  await t.throwsAsync(async () => runRewriter(plugin, 'forge-list', '<html>', { path: 'v3/releases;' }), { instanceOf: SyntaxError });
  await t.throwsAsync(async () => runRewriter(plugin, 'forge-list', '[1,2]', { path: 'v3/releases;' }), { instanceOf: SyntaxError });
});
