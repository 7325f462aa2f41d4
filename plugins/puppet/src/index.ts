import { definePlugin } from '@artifactapi/plugin-sdk';
import { FORGE_LIST, FORGE_MODULE, FORGE_RELEASE, canonicalForgePath, classifyForgePath, forgeIndexOf, forgeUpstreamUrl } from './forge-paths.js';
import { listingRoutes } from './listing-routes.js';

const rewriter = { module: new URL('./rewrite-document.js', import.meta.url).href, export: 'rewriteForgeDocument' };

/**
 * Puppet Forge v3 (`puppet module install`, r10k): list pages, modules and releases are mutable
 * JSON kept root-relative and filtered by quarantine; tarballs are immutable and verified against
 * their release's `file_sha256` (else `file_md5`).
 */
export default definePlugin({
  type: 'puppet',
  description: 'Puppet Forge v3: releases and modules JSON (quarantine by created_at), tarballs verified against file_sha256/file_md5',
  options: { properties: {} },
  classify: (path) => classifyForgePath(path),
  canonicalPath: (path) => canonicalForgePath(path),
  upstreamUrl: forgeUpstreamUrl,
  indexOf: (path) => forgeIndexOf(path),
  routes: listingRoutes,
  // puppet prints an error body's `message` (the Forge's error shape); the product's `error` stays beside it.
  errorBody: (error) => ({ message: `${error.message} (${error.code})`, errors: [error.message], error: { code: error.code, message: error.message } }),
  rewriters: { [FORGE_LIST]: rewriter, [FORGE_MODULE]: rewriter, [FORGE_RELEASE]: rewriter },
  inspectors: { [FORGE_RELEASE]: { module: new URL('./inspect-release.js', import.meta.url).href, export: 'inspectForgeRelease' } },
});
