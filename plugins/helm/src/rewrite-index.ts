import type { RewriteContext, RewriteResult } from '@artifactapi/plugin-sdk';
import { chartHosts, proxyPathOf, type ChartHosts } from './chart-location.js';
import { contentTypeOf, createdAt, entriesOf, parseIndex, serializeIndex, versionsOf } from './helm-index.js';

/**
 * Rewriter task for `helm-index` (runs in the worker pool): chart URLs the proxy can fetch point
 * at the proxy, and with quarantine on, chart versions created after the cutoff are left out
 * (a chart left with no version is left out whole), so `helm install` picks an older version.
 * An index that needs no change is returned byte for byte.
 */
export function rewriteHelmIndex(input: { body: Uint8Array; ctx: RewriteContext }): RewriteResult {
  const { body, ctx } = input;
  const parsed = parseIndex(body);
  const hosts = chartHosts(ctx.upstreamBase, ctx.options);
  const entries = entriesOf(parsed.doc);
  let changed = false;
  for (const name of Object.keys(entries ?? {})) {
    const all = versionsOf(entries![name]);
    const kept = ctx.quarantineCutoff === undefined ? all : all.filter((v) => !isYoung(v, ctx.quarantineCutoff!));
    if (kept.length === 0 && all.length > 0) {
      delete entries![name];
      changed = true;
      continue;
    }
    if (kept.length !== all.length) {
      entries![name] = kept;
      changed = true;
    }
    for (const version of kept) changed = rewriteUrls(version, hosts, ctx.publicBase) || changed;
  }
  if (!changed) return { body, contentType: contentTypeOf(parsed) };
  return { body: serializeIndex(parsed), contentType: contentTypeOf(parsed) };
}

function isYoung(version: Record<string, unknown>, cutoff: number): boolean {
  const created = createdAt(version);
  return created !== undefined && created > cutoff;
}

/**
 * Points each URL the proxy can fetch at the proxy. A relative URL that already names its
 * repository path stays as it is: Helm resolves it against the repository URL, i.e. the proxy.
 */
function rewriteUrls(version: Record<string, unknown>, hosts: ChartHosts, publicBase: string): boolean {
  const urls = version.urls;
  if (!Array.isArray(urls)) return false;
  let changed = false;
  version.urls = urls.map((url: unknown) => {
    if (typeof url !== 'string') return url;
    const path = proxyPathOf(url, hosts);
    if (path === undefined || path === url) return url;
    changed = true;
    return `${publicBase}/${path}`;
  });
  return changed;
}
