import test from 'ava';
import { runInspector } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';
import { ROOT, UPSTREAM, fixture } from './fixtures.js';

const PRIMARY = '0c929037e94d03095f9933c2306fb6d883ef93203976fefaeabbc157ebb1cd37';

test('every file repomd.xml lists, under the repository root, with its checksum, type and whether the snapshot needs it', async (t) => {
  const facts = await runInspector(plugin, 'rpm-repomd', await fixture('repomd.xml'), { upstreamBase: UPSTREAM, path: `${ROOT}repodata/repomd.xml` });
  t.deepEqual(facts[`${ROOT}repodata/${PRIMARY}-primary.xml.gz`], {
    digests: [{ algorithm: 'sha256', hex: PRIMARY }],
    role: 'primary',
    required: true,
  });
  t.is(facts[`${ROOT}repodata/599ff83c437b91ec5bd47446e7969e68d675789a17037b744f26509f0b211454-filelists.xml.gz`]!.role, 'filelists');
  t.deepEqual(facts[`${ROOT}repodata/comps-BaseOS.x86_64.xml`], {
    digests: [{ algorithm: 'sha1', hex: '3b1f8c6d2e4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c' }],
    role: 'group',
    required: true,
  });
  t.deepEqual(facts[`${ROOT}repodata/0123456789abcdef0123456789abcdef-updateinfo.xml.gz`], { role: 'updateinfo', required: true }, 'md5: listed, but no digest');
  t.false(Object.keys(facts).some((p) => p.includes('..')), 'a location outside the repository is left out');
  // The default snapshot holds what dnf reads, not the sqlite or zchunk variants.
  t.is(facts[`${ROOT}repodata/0c98970173211f3620d8395d37f1df15ec7c0d044abc03092b0314db5e362ba8-primary.sqlite.bz2`]!.required, undefined);
  t.is(facts[`${ROOT}repodata/aa98970173211f3620d8395d37f1df15ec7c0d044abc03092b0314db5e362ba8-primary.xml.zck`]!.required, undefined);
});

test('snapshot_metadata: all requires every listed file, none requires nothing', async (t) => {
  const body = await fixture('repomd.xml');
  const all = await runInspector(plugin, 'rpm-repomd', body, { path: 'repodata/repomd.xml', options: { snapshot_metadata: 'all' } });
  t.true(Object.values(all).every((f) => f.required === true));
  t.is(Object.keys(all).length, 6);
  const none = await runInspector(plugin, 'rpm-repomd', body, { path: 'repodata/repomd.xml', options: { snapshot_metadata: 'none' } });
  t.true(Object.values(none).every((f) => f.required === undefined));
});

test('a repomd.xml that is not XML is a SyntaxError (an unreadable upstream document)', async (t) => {
  await t.throwsAsync(runInspector(plugin, 'rpm-repomd', '<repomd><data type="primary">', { path: 'repodata/repomd.xml' }), { instanceOf: SyntaxError });
  await t.throwsAsync(runInspector(plugin, 'rpm-repomd', '<html>not found</htm>', { path: 'repodata/repomd.xml' }), { instanceOf: SyntaxError });
});
