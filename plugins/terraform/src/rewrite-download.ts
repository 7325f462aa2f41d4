import { parseJsonDocument, type RewriteContext, type RewriteResult } from '@artifactapi/plugin-sdk';
import { downloadOrigins, downloadPathOf } from './download-location.js';

/** The download document's fields that name files; each is rewritten to the proxy. */
export const FILE_URL_FIELDS = ['download_url', 'shasums_url', 'shasums_signature_url'] as const;

/**
 * Rewriter task for `terraform-download` (worker pool): `download_url`, `shasums_url` and
 * `shasums_signature_url` → `{publicBase}/-/dl/{host}/{path}`, so Terraform fetches the archive,
 * SHA256SUMS and its signature through the proxy. The signature still verifies: the bytes are the
 * upstream's. A URL on a host the repository may not fetch from is left as the registry gave it.
 */
export function rewriteDownload(input: { body: Uint8Array; ctx: RewriteContext }): RewriteResult {
  const { body, ctx } = input;
  const doc = parseJsonDocument(body, 'provider download document');
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new SyntaxError('provider download document: not a JSON object');
  const record = doc as Record<string, unknown>;
  const documentUrl = `${ctx.upstreamBase}/${ctx.path}`;
  const origins = downloadOrigins(ctx.upstreamBase, ctx.options);
  for (const field of FILE_URL_FIELDS) {
    const url = record[field];
    if (typeof url !== 'string') continue;
    const path = downloadPathOf(url, documentUrl, origins);
    if (path !== undefined) record[field] = `${ctx.publicBase}/${path}`;
  }
  return { body: new TextEncoder().encode(JSON.stringify(record)), contentType: 'application/json' };
}
