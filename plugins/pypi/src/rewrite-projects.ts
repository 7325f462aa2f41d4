import { parseJsonDocument, type RewriteContext, type RewriteResult } from '@artifactapi/plugin-sdk';
import { VARIANT_TYPES, TEXT_HTML } from './media-types.js';
import { normaliseName } from './names.js';
import { scanHtml } from './parse-html.js';
import { looksLikeJson } from './simple-model.js';
import { escapeHtml } from './html-escape.js';

const encoder = new TextEncoder();

function projectNames(text: string): string[] {
  if (!looksLikeJson(text)) return scanHtml(text).anchors.map((a) => a.text).filter((name) => name !== '');
  const doc = parseJsonDocument(text, 'PEP 691 project list') as { projects?: unknown };
  if (!Array.isArray(doc.projects)) throw new SyntaxError('not a PEP 691 project list: no projects array');
  return doc.projects.flatMap((p: unknown) => (typeof p === 'object' && p !== null && typeof (p as { name?: unknown }).name === 'string' ? [(p as { name: string }).name] : []));
}

/**
 * Worker task for `simple/`, the list of all projects. Upstream HTML links are often
 * host-relative (`/simple/x/`), which would leave the proxy, so links are rebuilt absolute.
 * A JSON upstream asked for JSON is served as it is (it carries no URLs).
 */
export function rewriteProjects({ body, ctx }: { body: Uint8Array; ctx: RewriteContext }): RewriteResult {
  const text = new TextDecoder().decode(body);
  if (ctx.variant === 'json') {
    if (looksLikeJson(text)) return { body, contentType: VARIANT_TYPES.json };
    const projects = projectNames(text).map((name) => ({ name }));
    return { body: encoder.encode(JSON.stringify({ meta: { 'api-version': '1.0' }, projects })), contentType: VARIANT_TYPES.json };
  }
  const lines = ['<!DOCTYPE html>', '<html>', '  <head>', '    <meta name="pypi:repository-version" content="1.0">', '    <title>Simple index</title>', '  </head>', '  <body>'];
  for (const name of projectNames(text)) {
    lines.push(`    <a href="${escapeHtml(`${ctx.publicBase}/simple/${encodeURIComponent(normaliseName(name))}/`)}">${escapeHtml(name)}</a>`);
  }
  lines.push('  </body>', '</html>', '');
  return { body: encoder.encode(lines.join('\n')), contentType: VARIANT_TYPES[ctx.variant] ?? TEXT_HTML };
}
