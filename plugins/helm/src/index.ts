import { definePlugin } from '@artifactapi/plugin-sdk';
import { chartHosts, upstreamUrlOf } from './chart-location.js';
import { HELM_INDEX, classifyHelmPath, helmIndexOf } from './classify.js';

/**
 * Helm classic chart repositories: index.yaml (rewritten so chart URLs lead back through the
 * proxy, filtered by quarantine) and chart archives verified against the index's `digest`.
 */
export default definePlugin({
  type: 'helm',
  description: 'Helm chart repositories: index.yaml rewritten to the proxy, charts verified against their digest',
  classify: classifyHelmPath,
  upstreamUrl: (path, ctx) => upstreamUrlOf(path, chartHosts(ctx.repo.baseUrl, ctx.repo.options)),
  indexOf: helmIndexOf,
  rewriters: { [HELM_INDEX]: { module: new URL('./rewrite-index.js', import.meta.url).href, export: 'rewriteHelmIndex' } },
  inspectors: { [HELM_INDEX]: { module: new URL('./inspect-index.js', import.meta.url).href, export: 'inspectHelmIndex' } },
});
