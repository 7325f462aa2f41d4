import { definePlugin, taskRef, UPSTREAM_URL_OPTION, type InspectContext, type ArtifactFacts, type PublishInput, type RewriteContext, type RewriteResult } from '@artifactapi/plugin-sdk';
import { classifyTerraformPath, TF_ARCHIVE_HASHES, TF_DOWNLOAD, TF_SHASUMS, terraformIndexOf, terraformUpstreamUrl } from './classify.js';
import { downloadUrlsOf } from './download-location.js';
import { SIGNING_KEY_PUBLISH } from './key-store.js';
import { mountTerraform } from './routes.js';

type Rewrite = { body: Uint8Array; ctx: RewriteContext };

/**
 * @artifactapi/plugin-terraform: Terraform providers. A remote repository proxies an origin
 * registry's provider registry protocol (download URLs rewritten to the proxy, archives verified
 * against SHA256SUMS) and serves the provider network mirror protocol over it (`zh:` and `h1:`
 * hashes); a local repository is a provider registry of its own with signed SHA256SUMS. See
 * README.md.
 */
export default definePlugin({
  type: 'terraform',
  description: 'Terraform providers: registry protocol and network mirror (remote), a signed provider registry (local)',
  options: {
    properties: {
      download_urls: {
        type: 'array',
        items: UPSTREAM_URL_OPTION,
        description: 'Hosts the registry\'s download documents point at (e.g. https://releases.hashicorp.com, https://github.com); files elsewhere are not proxied.',
        'x-expected': 'a list of http(s) URLs',
      },
      registry_hostname: {
        type: 'string',
        pattern: '^[A-Za-z0-9.-]+(:[0-9]+)?$',
        description: 'The origin registry\'s hostname in provider addresses, as network mirror URLs carry it (default: base_url\'s host).',
        'x-expected': 'a host name, optionally with :port',
      },
    },
  },
  upstreamHosts: (ctx) => downloadUrlsOf(ctx.repo.options),
  classify: classifyTerraformPath,
  upstreamUrl: terraformUpstreamUrl,
  indexOf: terraformIndexOf,
  rewriters: {
    [TF_DOWNLOAD]: taskRef<Rewrite, RewriteResult>(new URL('./rewrite-download.js', import.meta.url), 'rewriteDownload'),
    [TF_ARCHIVE_HASHES]: taskRef<Rewrite, RewriteResult>(new URL('./zip-hashes.js', import.meta.url), 'rewriteArchiveHashes'),
  },
  inspectors: {
    [TF_SHASUMS]: taskRef<{ body: Uint8Array; ctx: InspectContext }, Record<string, ArtifactFacts>>(new URL('./inspect-shasums.js', import.meta.url), 'inspectShasums'),
  },
  routes: mountTerraform,
  hosted: {
    publish: { [SIGNING_KEY_PUBLISH]: taskRef<PublishInput, RewriteResult>(new URL('./publish-signing-key.js', import.meta.url), 'keepSigningKey') },
  },
});

export { archiveHashes } from './zip-hashes.js';
export type { ArchiveHashes } from './zip-hashes.js';
export { parseShasums, formatShasums } from './shasums.js';
export { parseArchiveName, archiveName, shasumsName, compareVersions } from './provider-names.js';
export { parseRegistryPath, parseLocalArchivePath, HASHES_PREFIX, SIGNING_KEY_PATH } from './classify.js';
export { downloadPathOf, downloadUrlOf, DOWNLOAD_PREFIX } from './download-location.js';
export { parseMirrorPath } from './remote-mirror.js';
