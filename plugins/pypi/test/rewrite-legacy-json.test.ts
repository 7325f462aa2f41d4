import test from 'ava';
import { runRewriter } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';

const file = (version: string, uploaded: string) => ({
  filename: `demo-${version}.tar.gz`,
  url: `https://files.example/packages/aa/bb/demo-${version}.tar.gz`,
  digests: { sha256: '0'.repeat(64) },
  upload_time: uploaded.replace('Z', ''),
  upload_time_iso_8601: uploaded,
});
const doc = {
  info: { name: 'demo', version: '2.0' },
  last_serial: 3,
  releases: { '0.1': [], '1.0': [file('1.0', '2020-01-01T00:00:00.000000Z')], '2.0': [file('2.0', '2025-06-01T00:00:00.000000Z')] },
  urls: [file('2.0', '2025-06-01T00:00:00.000000Z')],
  vulnerabilities: [],
};
const ctx = { path: 'pypi/demo/json', upstreamBase: 'https://index.example', options: { files_url: 'https://files.example' } };

test('Warehouse JSON file URLs point at the proxy, everything else is kept', async (t) => {
  const out = JSON.parse(new TextDecoder().decode((await runRewriter(plugin, 'legacy-json', JSON.stringify(doc), ctx)).body)) as typeof doc;
  t.is(out.releases['1.0'][0]!.url, 'http://proxy.test/api/v1/remote/test/packages/aa/bb/demo-1.0.tar.gz');
  t.is(out.urls[0]!.url, 'http://proxy.test/api/v1/remote/test/packages/aa/bb/demo-2.0.tar.gz');
  t.deepEqual(out.info, doc.info);
  t.deepEqual(out.releases['0.1'], []);
});

test('Warehouse JSON under quarantine loses young files and the releases they emptied', async (t) => {
  const cutoff = Date.parse('2025-01-01T00:00:00Z');
  const out = JSON.parse(new TextDecoder().decode((await runRewriter(plugin, 'legacy-json', JSON.stringify(doc), { ...ctx, quarantineCutoff: cutoff })).body)) as typeof doc;
  t.deepEqual(Object.keys(out.releases), ['0.1', '1.0']);
  t.deepEqual(out.urls, []);
});

test('Warehouse JSON files whose link is not http(s) are left out, and releases they emptied', async (t) => {
  const unsafe = {
    ...doc,
    releases: { ...doc.releases, '0.5': [{ ...file('0.5', '2019-01-01T00:00:00.000000Z'), url: 'javascript:alert(1)' }] },
    urls: [{ ...file('2.0', '2025-06-01T00:00:00.000000Z'), url: 'file:///etc/passwd' }, ...doc.urls],
  };
  const out = JSON.parse(new TextDecoder().decode((await runRewriter(plugin, 'legacy-json', JSON.stringify(unsafe), ctx)).body)) as typeof doc;
  t.deepEqual(Object.keys(out.releases).sort(), ['0.1', '1.0', '2.0']);
  t.deepEqual(
    out.urls.map((f) => f.url),
    ['http://proxy.test/api/v1/remote/test/packages/aa/bb/demo-2.0.tar.gz'],
  );
});
