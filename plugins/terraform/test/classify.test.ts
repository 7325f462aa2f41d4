import test from 'ava';
import { checkClassifications, testContext } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';

const remote = testContext(plugin, { kind: 'remote', baseUrl: 'https://registry.terraform.io', options: { download_urls: ['https://releases.hashicorp.com'] } });
const local = testContext(plugin, { kind: 'local', baseUrl: '' });
const dl = '-/dl/releases.hashicorp.com/terraform-provider-null/3.2.1';

test('remote: versions mutable, download documents immutable and rewritten, files on allowed hosts immutable, the rest denied', (t) => {
  t.deepEqual(
    checkClassifications(
      plugin,
      [
        { path: 'v1/providers/hashicorp/null/versions', cache: 'mutable' },
        { path: 'v1/providers/hashicorp/null/3.2.1/download/linux/amd64', cache: 'immutable', index: 'terraform-download' },
        { path: `${dl}/terraform-provider-null_3.2.1_linux_amd64.zip`, cache: 'immutable' },
        { path: `${dl}/terraform-provider-null_3.2.1_SHA256SUMS`, cache: 'immutable', index: 'terraform-shasums' },
        { path: `${dl}/terraform-provider-null_3.2.1_SHA256SUMS.72D7468F.sig`, cache: 'immutable' },
        { path: `-/h1/${dl}/terraform-provider-null_3.2.1_linux_amd64.zip`, cache: 'immutable', index: 'terraform-archive-hashes' },
        { path: '-/dl/registry.terraform.io/somewhere/x.zip', cache: 'immutable' },
        { path: '-/dl/evil.example.com/x.zip', cache: 'deny' },
        { path: `${dl}/README.md`, cache: 'deny' },
        { path: `-/h1/${dl}/terraform-provider-null_3.2.1_SHA256SUMS`, cache: 'deny' },
        { path: 'v1/providers/hashicorp/null/3.2.1/download/linux', cache: 'deny' },
        { path: 'v1/providers/hashicorp/null/notaversion/download/linux/amd64', cache: 'deny' },
        { path: 'v1/modules/x/y/z/versions', cache: 'deny' },
        { path: 'mirror/registry.terraform.io/hashicorp/null/index.json', cache: 'deny' },
      ],
      remote,
    ),
    [],
  );
});

test('the hashes of an archive share its cache entry', (t) => {
  const zip = `${dl}/terraform-provider-null_3.2.1_linux_amd64.zip`;
  t.is(plugin.classify(`-/h1/${zip}`, remote).cacheKey, zip);
  t.is(plugin.upstreamUrl(`-/h1/${zip}`, remote), 'https://releases.hashicorp.com/terraform-provider-null/3.2.1/terraform-provider-null_3.2.1_linux_amd64.zip');
  t.is(plugin.upstreamUrl('v1/providers/hashicorp/null/versions', remote), 'https://registry.terraform.io/v1/providers/hashicorp/null/versions');
});

test('an archive is verified against the SHA256SUMS beside it', (t) => {
  t.deepEqual(plugin.indexOf(`${dl}/terraform-provider-null_3.2.1_linux_amd64.zip`, remote), { path: `${dl}/terraform-provider-null_3.2.1_SHA256SUMS`, index: 'terraform-shasums' });
  t.is(plugin.indexOf(`${dl}/terraform-provider-null_3.2.1_SHA256SUMS`, remote), undefined);
  t.is(plugin.indexOf('acme/null/terraform-provider-null_3.2.1_linux_amd64.zip', local), undefined);
});

test('local: only provider archives under {namespace}/{type}/ (and the signing key\'s dot path) are stored', (t) => {
  t.deepEqual(
    checkClassifications(
      plugin,
      [
        { path: 'acme/widget/terraform-provider-widget_1.0.0_linux_amd64.zip', cache: 'immutable' },
        { path: 'acme/widget/terraform-provider-widget_1.0.0-rc.1_darwin_arm64.zip', cache: 'immutable' },
        { path: './terraform-signing-key.asc', cache: 'immutable' },
        { path: 'acme/gadget/terraform-provider-widget_1.0.0_linux_amd64.zip', cache: 'deny' },
        { path: 'acme/widget/widget.zip', cache: 'deny' },
        { path: 'acme/widget/terraform-provider-widget_latest_linux_amd64.zip', cache: 'deny' },
        { path: 'terraform-provider-widget_1.0.0_linux_amd64.zip', cache: 'deny' },
        { path: 'v1/providers/acme/widget/versions', cache: 'deny' },
      ],
      local,
    ),
    [],
  );
});
