import { definePlugin, UPSTREAM_URL_OPTION, urlOption } from '@artifactapi/plugin-sdk';
import { chartHosts, upstreamUrlOf } from './chart-location.js';
import { HELM_INDEX, classifyHelmPath, helmIndexOf } from './classify.js';

/**
 * Helm classic chart repositories: index.yaml (rewritten so chart URLs lead back through the
 * proxy, filtered by quarantine) and chart archives verified against the index's `digest`.
 */
export default definePlugin({
  type: 'helm',
  description: 'Helm chart repositories: index.yaml rewritten to the proxy, charts verified against their digest',
  options: {
    properties: {
      files_url: { ...UPSTREAM_URL_OPTION, description: 'A second host the index links charts on (e.g. https://github.com for release assets).' },
    },
  },
  upstreamHosts: (ctx) => {
    const files = urlOption(ctx.repo.options, 'files_url');
    return files ? [files] : [];
  },
  classify: classifyHelmPath,
  upstreamUrl: (path, ctx) => upstreamUrlOf(path, chartHosts(ctx.repo.baseUrl, ctx.repo.options)),
  indexOf: helmIndexOf,
  rewriters: { [HELM_INDEX]: { module: new URL('./rewrite-index.js', import.meta.url).href, export: 'rewriteHelmIndex' } },
  inspectors: { [HELM_INDEX]: { module: new URL('./inspect-index.js', import.meta.url).href, export: 'inspectHelmIndex' } },
});
