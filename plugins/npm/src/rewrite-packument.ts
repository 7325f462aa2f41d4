import type { RewriteContext, RewriteResult } from '@artifactapi/plugin-sdk';
import { abbreviate } from './abbreviate.js';
import { CORGI_TYPE, JSON_TYPE } from './accept.js';
import { tarballFileName, tarballPath } from './names.js';
import { packageName, parsePackument, versionEntries } from './packument.js';
import { applyQuarantine } from './quarantine.js';

/**
 * Worker-pool task: the stored full packument, rewritten for one client. Young versions are
 * removed when quarantine is on, every `dist.tarball` points at the proxy
 * (`{publicBase}/{name}/-/{file}`), and the `abbreviated` variant becomes the corgi document.
 */
export function rewritePackument(input: { body: Uint8Array; ctx: RewriteContext }): RewriteResult {
  const { ctx } = input;
  const doc = parsePackument(input.body);
  const name = packageName(doc, ctx.path);
  if (ctx.quarantineCutoff !== undefined) applyQuarantine(doc, ctx.quarantineCutoff);
  for (const [version, manifest] of versionEntries(doc)) {
    if (typeof manifest.dist !== 'object' || manifest.dist === null) continue;
    manifest.dist.tarball = `${ctx.publicBase}/${tarballPath(name, tarballFileName(name, version, manifest.dist.tarball))}`;
  }
  if (ctx.variant === 'abbreviated') {
    return { body: new TextEncoder().encode(JSON.stringify(abbreviate(doc))), contentType: CORGI_TYPE };
  }
  return { body: new TextEncoder().encode(JSON.stringify(doc)), contentType: JSON_TYPE };
}
