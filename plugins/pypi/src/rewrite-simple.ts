import type { RewriteContext, RewriteResult } from '@artifactapi/plugin-sdk';
import { proxyLinks } from './link-map.js';
import { VARIANT_TYPES, TEXT_HTML } from './media-types.js';
import { parseProjectPage } from './parse-simple.js';
import { withoutQuarantined } from './quarantine.js';
import { renderHtml, renderJson } from './render-simple.js';

const encoder = new TextEncoder();

/**
 * Worker task for `simple/<name>/`: reads the stored page (PEP 691 JSON or PEP 503 HTML), leaves
 * out quarantined files, points file links at the proxy and answers in the negotiated form.
 */
export function rewriteSimple({ body, ctx }: { body: Uint8Array; ctx: RewriteContext }): RewriteResult {
  let project = parseProjectPage(body, ctx.upstreamBase, ctx.path);
  if (ctx.quarantineCutoff !== undefined) project = withoutQuarantined(project, ctx.quarantineCutoff);
  const links = proxyLinks(ctx);
  if (ctx.variant === 'json') return { body: encoder.encode(renderJson(project, links)), contentType: VARIANT_TYPES.json };
  return { body: encoder.encode(renderHtml(project, links)), contentType: VARIANT_TYPES[ctx.variant] ?? TEXT_HTML };
}
