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
  // apiVersion 2: the repository keys this type adds (checked by check-config with key paths);
  // any key neither the core nor this schema declares is an error.
  options: { properties: {} },
  classify(path) {
    // Called for every request, hits included: keep it synchronous and cheap (no I/O, no big regexes).
    if (path === 'index.json') return { cache: 'mutable', contentType: 'application/json' };
    if (path.startsWith('files/')) return { cache: 'immutable' };
    return { cache: 'deny', reason: 'not part of the example layout' };
  },
  // Optional hooks (defaults apply when they are left out):
  // upstreamUrl(path, ctx) { return `${ctx.repo.baseUrl}/${path}`; },
  // rewriters: { 'example-index': taskRef<{ body: Uint8Array; ctx: RewriteContext }, RewriteResult>(new URL('./rewrite-index.js', import.meta.url), 'rewriteIndex') },
  // apiVersion 2 (see plugin-sdk/README.md): routes(scope, ctx) for a protocol surface of its own,
  // upstreamAuth for a registry token flow, hosted for uploads, mergers for virtual repositories.
});
