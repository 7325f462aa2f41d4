import test from 'ava';
import { checkClassifications, testContext } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';

test('tarballs are immutable; list pages, releases and modules are mutable Forge documents', (t) => {
  const mismatches = checkClassifications(plugin, [
    { path: 'v3/files/puppetlabs-stdlib-9.4.1.tar.gz', cache: 'immutable' },
    { path: 'v3/files/acme-my_mod-1.0.0-rc.1.tar.gz', cache: 'immutable' },
    { path: 'v3/releases;module=puppetlabs-stdlib&sort_by=version', cache: 'mutable', index: 'forge-list' },
    { path: 'v3/releases;', cache: 'mutable', index: 'forge-list' },
    { path: 'v3/modules;query=stdlib', cache: 'mutable', index: 'forge-list' },
    { path: 'v3/releases/puppetlabs-stdlib-9.4.1', cache: 'mutable', index: 'forge-release' },
    { path: 'v3/modules/puppetlabs-stdlib', cache: 'mutable', index: 'forge-module' },
    // The bare list endpoints would cache one page for every query.
    { path: 'v3/releases', cache: 'deny' },
    { path: 'v3/modules', cache: 'deny' },
    { path: 'v3/users/puppetlabs', cache: 'mutable' },
    { path: 'v3/files/not-a-release.tar.gz', cache: 'mutable' },
  ]);
  t.deepEqual(mismatches, []);
});

test('a tarball is verified against its release document', (t) => {
  const ctx = testContext(plugin);
  t.deepEqual(plugin.indexOf('v3/files/puppetlabs-stdlib-9.4.1.tar.gz', ctx), { path: 'v3/releases/puppetlabs-stdlib-9.4.1', index: 'forge-release' });
  t.deepEqual(plugin.indexOf('v3/files/acme-app-2.0.0-beta.2.tar.gz', ctx), { path: 'v3/releases/acme-app-2.0.0-beta.2', index: 'forge-release' });
  t.is(plugin.indexOf('v3/releases/puppetlabs-stdlib-9.4.1', ctx), undefined);
});

test('a folded list page goes upstream with its query; created_at is no longer excluded (quarantine needs it)', (t) => {
  const ctx = testContext(plugin, { baseUrl: 'https://forge.example/api/forge' });
  t.is(plugin.upstreamUrl('v3/releases;module=acme-app&offset=20', ctx), 'https://forge.example/api/forge/v3/releases?module=acme-app&offset=20');
  t.is(plugin.upstreamUrl('v3/releases;', ctx), 'https://forge.example/api/forge/v3/releases');
  t.is(
    plugin.upstreamUrl('v3/releases;exclude_fields=readme%2Ccreated_at%2Curi&module=acme-app', ctx),
    'https://forge.example/api/forge/v3/releases?exclude_fields=readme%2Curi&module=acme-app',
  );
  t.is(plugin.upstreamUrl('v3/releases;exclude_fields=created_at&module=a-b', ctx), 'https://forge.example/api/forge/v3/releases?module=a-b');
  t.is(plugin.upstreamUrl('v3/files/acme-app-1.0.0.tar.gz', ctx), 'https://forge.example/api/forge/v3/files/acme-app-1.0.0.tar.gz');
});

test('errors carry the Forge shape puppet prints (`message`) and the product\'s `error` object', (t) => {
  const body = plugin.errorBody({ code: 'AAPI_ERR_QUARANTINED', message: 'Quarantined: acme-app@1.2.0 …', status: 451 });
  t.deepEqual(body, {
    message: 'Quarantined: acme-app@1.2.0 … (AAPI_ERR_QUARANTINED)',
    errors: ['Quarantined: acme-app@1.2.0 …'],
    error: { code: 'AAPI_ERR_QUARANTINED', message: 'Quarantined: acme-app@1.2.0 …' },
  });
});
