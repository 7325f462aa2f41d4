import test from 'ava';
import { runInspector } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';
import { MD5, SHA256, UPSTREAM, release } from './documents.js';

const path = 'v3/releases/acme-app-1.2.0';

test('a release gives its tarball file_sha256, its created_at and name@version', async (t) => {
  const facts = await runInspector(plugin, 'forge-release', JSON.stringify(release('acme-app-1.2.0', '2022-01-01 02:00:00 -0800')), { upstreamBase: UPSTREAM, path });
  t.deepEqual(facts, {
    'v3/files/acme-app-1.2.0.tar.gz': {
      version: 'acme-app@1.2.0',
      digests: [{ algorithm: 'sha256', hex: SHA256 }],
      publishedAt: '2022-01-01T10:00:00.000Z',
    },
  });
});

test('without file_sha256, file_md5 is what the tarball is checked against', async (t) => {
  const doc = release('acme-app-1.2.0', '2022-01-01 02:00:00 -0800', undefined, { md5: MD5.toUpperCase() });
  const facts = await runInspector(plugin, 'forge-release', JSON.stringify(doc), { upstreamBase: UPSTREAM, path });
  t.deepEqual(facts['v3/files/acme-app-1.2.0.tar.gz']?.digests, [{ algorithm: 'md5', hex: MD5 }]);
});

test('no usable digest: dated, not hashed', async (t) => {
  const doc = release('acme-app-1.2.0', '2022-01-01 02:00:00 -0800', undefined, { sha256: 'not-hex' });
  const facts = await runInspector(plugin, 'forge-release', JSON.stringify(doc), { upstreamBase: UPSTREAM, path });
  t.deepEqual(facts['v3/files/acme-app-1.2.0.tar.gz'], { version: 'acme-app@1.2.0', publishedAt: '2022-01-01T10:00:00.000Z' });
});

test('an absolute file_uri below the upstream base and an unusual file name are both keyed', async (t) => {
  const doc = release('acme-app-1.2.0', '2022-01-01T10:00:00Z');
  doc.file_uri = `${UPSTREAM}/v3/files/acme-app-1.2.0-signed.tar.gz`;
  const facts = await runInspector(plugin, 'forge-release', JSON.stringify(doc), { upstreamBase: UPSTREAM, path });
  t.deepEqual(Object.keys(facts).sort(), ['v3/files/acme-app-1.2.0-signed.tar.gz', 'v3/files/acme-app-1.2.0.tar.gz']);
  t.is(facts['v3/files/acme-app-1.2.0.tar.gz']?.publishedAt, '2022-01-01T10:00:00.000Z', 'ISO timestamps are read too');
});
