import { definePlugin } from '@artifactapi/plugin-sdk';

/**
 * An example package type. Rename `example`, then describe which paths of your upstream never
 * change (immutable: cached forever), which are rewritten in place (mutable: revalidated after
 * `mutable_ttl`), and which must never be fetched (deny).
 *
 * Import only from `@artifactapi/plugin-sdk`, never from `@artifactapi/core`.
 */
export default definePlugin({
  type: 'example',
  description: 'Example package type: versioned files under files/, a rolling index.json',
  classify(path) {
    // Called for every request, hits included: keep it synchronous and cheap (no I/O, no big regexes).
    if (path === 'index.json') return { cache: 'mutable', contentType: 'application/json' };
    if (path.startsWith('files/')) return { cache: 'immutable' };
    return { cache: 'deny', reason: 'not part of the example layout' };
  },
  // Optional hooks (defaults apply when they are left out):
  // upstreamUrl(path, ctx) { return `${ctx.repo.baseUrl}/${path}`; },
  // rewriters: { 'example-index': { module: new URL('./rewrite-index.js', import.meta.url).href, export: 'rewriteIndex' } },
});
