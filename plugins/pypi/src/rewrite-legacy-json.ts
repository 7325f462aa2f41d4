import { parseJsonDocument, type RewriteContext, type RewriteResult } from '@artifactapi/plugin-sdk';
import { resolveLink } from './file-urls.js';
import { proxyLinks } from './link-map.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Upload time of a legacy file entry in ms, NaN when it has none. */
function uploadedAt(file: Json): number {
  if (typeof file.upload_time_iso_8601 === 'string') return Date.parse(file.upload_time_iso_8601);
  // `upload_time` is UTC without a zone designator.
  if (typeof file.upload_time === 'string') return Date.parse(`${file.upload_time}Z`);
  return NaN;
}

/**
 * Worker task for Warehouse's `pypi/<name>/json` and `pypi/<name>/<version>/json`: file URLs in
 * `urls` and `releases` point at the proxy, files whose link is not http(s) are left out; with
 * quarantine, young files too; releases left empty by that are removed.
 */
export function rewriteLegacyJson({ body, ctx }: { body: Uint8Array; ctx: RewriteContext }): RewriteResult {
  const doc = parseJsonDocument(body, 'PyPI JSON document');
  if (!isObject(doc)) throw new SyntaxError('not a PyPI JSON document');
  const links = proxyLinks(ctx);
  const documentUrl = `${ctx.upstreamBase}/${ctx.path}`;
  const cutoff = ctx.quarantineCutoff;
  const fix = (files: unknown[]): unknown[] =>
    files
      .filter((f) => !(cutoff !== undefined && isObject(f) && uploadedAt(f) > cutoff))
      .flatMap((f) => {
        if (!isObject(f) || typeof f.url !== 'string') return [f];
        const url = resolveLink(f.url, documentUrl);
        // Not an http(s) link (javascript:, file:): left out, as on the simple pages.
        return url ? [{ ...f, url: links(url.href) }] : [];
      });
  if (Array.isArray(doc.urls)) doc.urls = fix(doc.urls);
  if (isObject(doc.releases)) {
    for (const [version, files] of Object.entries(doc.releases)) {
      if (!Array.isArray(files)) continue;
      const kept = fix(files);
      if (files.length > 0 && kept.length === 0) delete doc.releases[version];
      else doc.releases[version] = kept;
    }
  }
  return { body: new TextEncoder().encode(JSON.stringify(doc)), contentType: 'application/json' };
}
