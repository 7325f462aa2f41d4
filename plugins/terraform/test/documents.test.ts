import test from 'ava';
import { runInspector, runRewriter } from '@artifactapi/plugin-sdk/testkit';
import plugin, { compareVersions, formatShasums, parseArchiveName, parseMirrorPath, parseShasums } from '../src/index.js';

const download = {
  protocols: ['5.0'],
  os: 'linux',
  arch: 'amd64',
  filename: 'terraform-provider-null_3.2.1_linux_amd64.zip',
  download_url: 'https://releases.hashicorp.com/terraform-provider-null/3.2.1/terraform-provider-null_3.2.1_linux_amd64.zip',
  shasums_url: 'https://releases.hashicorp.com/terraform-provider-null/3.2.1/terraform-provider-null_3.2.1_SHA256SUMS',
  shasums_signature_url: 'https://elsewhere.example.com/terraform-provider-null_3.2.1_SHA256SUMS.sig',
  shasum: 'a'.repeat(64),
  signing_keys: { gpg_public_keys: [{ key_id: '34365D9472D7468F', ascii_armor: '-----BEGIN PGP PUBLIC KEY BLOCK-----' }] },
};

test('the download document points Terraform at the proxy for files on allowed hosts, and keeps the rest', async (t) => {
  const out = await runRewriter(plugin, 'terraform-download', JSON.stringify(download), {
    publicBase: 'http://proxy.test/api/v1/remote/terraform',
    upstreamBase: 'https://registry.terraform.io',
    path: 'v1/providers/hashicorp/null/3.2.1/download/linux/amd64',
    options: { download_urls: ['https://releases.hashicorp.com'] },
  });
  const doc = JSON.parse(Buffer.from(out.body).toString()) as typeof download;
  t.is(doc.download_url, 'http://proxy.test/api/v1/remote/terraform/-/dl/releases.hashicorp.com/terraform-provider-null/3.2.1/terraform-provider-null_3.2.1_linux_amd64.zip');
  t.is(doc.shasums_url, 'http://proxy.test/api/v1/remote/terraform/-/dl/releases.hashicorp.com/terraform-provider-null/3.2.1/terraform-provider-null_3.2.1_SHA256SUMS');
  t.is(doc.shasums_signature_url, download.shasums_signature_url, 'a host outside download_urls is not proxied');
  t.deepEqual(doc.signing_keys, download.signing_keys);
  t.is(doc.shasum, download.shasum);
});

test('relative file URLs resolve against the download document', async (t) => {
  const out = await runRewriter(plugin, 'terraform-download', JSON.stringify({ ...download, download_url: '../../../../files/x.zip' }), {
    publicBase: 'http://proxy.test/r',
    upstreamBase: 'https://registry.example.com',
    path: 'v1/providers/acme/x/1.0.0/download/linux/amd64',
  });
  t.is((JSON.parse(Buffer.from(out.body).toString()) as typeof download).download_url, 'http://proxy.test/r/-/dl/registry.example.com/v1/providers/acme/files/x.zip');
});

test('an unreadable download document is a SyntaxError', async (t) => {
  await t.throwsAsync(runRewriter(plugin, 'terraform-download', '{"download_url":', { path: 'v1/providers/a/b/1.0.0/download/linux/amd64' }), { instanceOf: SyntaxError });
  await t.throwsAsync(runRewriter(plugin, 'terraform-download', '[1]', { path: 'v1/providers/a/b/1.0.0/download/linux/amd64' }), { instanceOf: SyntaxError });
});

test('SHA256SUMS: each listed archive gets its sha256, keyed by its path beside the SUMS file', async (t) => {
  const dir = '-/dl/releases.hashicorp.com/terraform-provider-null/3.2.1/';
  const sums = `${'a'.repeat(64)}  terraform-provider-null_3.2.1_linux_amd64.zip\n${'B'.repeat(64)} *terraform-provider-null_3.2.1_darwin_arm64.zip\n`;
  const facts = await runInspector(plugin, 'terraform-shasums', sums, { path: `${dir}terraform-provider-null_3.2.1_SHA256SUMS` });
  t.deepEqual(facts[`${dir}terraform-provider-null_3.2.1_linux_amd64.zip`]?.digests, [{ algorithm: 'sha256', hex: 'a'.repeat(64) }]);
  t.deepEqual(facts[`${dir}terraform-provider-null_3.2.1_darwin_arm64.zip`]?.digests, [{ algorithm: 'sha256', hex: 'b'.repeat(64) }]);
  await t.throwsAsync(runInspector(plugin, 'terraform-shasums', 'garbage line\n', { path: `${dir}x_SHA256SUMS` }), { instanceOf: SyntaxError });
});

test('SHA256SUMS is written in file-name order and reads back', (t) => {
  const files = new Map([['b.zip', '2'.repeat(64)], ['a.zip', '1'.repeat(64)]]);
  const text = formatShasums(files);
  t.is(text, `${'1'.repeat(64)}  a.zip\n${'2'.repeat(64)}  b.zip\n`);
  t.deepEqual([...parseShasums(text)], [['a.zip', '1'.repeat(64)], ['b.zip', '2'.repeat(64)]]);
});

test('archive names, mirror paths and version order', (t) => {
  t.deepEqual(parseArchiveName('terraform-provider-google-beta_5.0.0-rc1_linux_arm64.zip'), { type: 'google-beta', version: '5.0.0-rc1', os: 'linux', arch: 'arm64' });
  t.is(parseArchiveName('terraform-provider-x_1.0_linux_amd64.zip'), undefined);
  t.deepEqual(parseMirrorPath('registry.terraform.io/hashicorp/null/3.2.1.json'), { kind: 'version', hostname: 'registry.terraform.io', namespace: 'hashicorp', type: 'null', version: '3.2.1' });
  t.deepEqual(parseMirrorPath('registry.terraform.io/hashicorp/null/index.json'), { kind: 'index', hostname: 'registry.terraform.io', namespace: 'hashicorp', type: 'null' });
  t.is(parseMirrorPath('registry.terraform.io/hashicorp/null/latest.json'), undefined);
  t.is(parseMirrorPath('hashicorp/null/index.json'), undefined);
  t.deepEqual(['1.10.0', '1.2.0', '1.2.0-rc.1', '1.2.0-beta', '0.9.9'].sort(compareVersions), ['0.9.9', '1.2.0-beta', '1.2.0-rc.1', '1.2.0', '1.10.0']);
});

test('quarantine counts from when the proxy stored the SHA256SUMS (first seen): no publish time in the protocol', async (t) => {
  const dir = '-/dl/releases.hashicorp.com/terraform-provider-null/3.2.1/';
  const sums = `${'a'.repeat(64)}  terraform-provider-null_3.2.1_linux_amd64.zip\n`;
  const seen = await runInspector(plugin, 'terraform-shasums', sums, { path: `${dir}terraform-provider-null_3.2.1_SHA256SUMS`, storedAt: 1_700_000_000_000 });
  t.is(seen[`${dir}terraform-provider-null_3.2.1_linux_amd64.zip`]?.publishedAt, 1_700_000_000_000);
  t.is(seen[`${dir}terraform-provider-null_3.2.1_linux_amd64.zip`]?.version, 'terraform-provider-null 3.2.1 (linux_amd64)');
});
