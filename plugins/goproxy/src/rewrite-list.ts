import { filterVersions } from '@artifactapi/plugin-sdk';
import type { RewriteContext, RewriteResult } from '@artifactapi/plugin-sdk';
import { infoPathsOf, listedVersions } from './version-list.js';
import { parseVersionInfo } from './version-info.js';

/**
 * Rewriter task for `@v/list` (worker pool). Without a quarantine the list is served as stored.
 * With one, each version's `.info` (a companion document) gives its time, and versions younger
 * than the cutoff, or whose `.info` cannot be had or read, are left out: a version of unknown age
 * is not offered (go then resolves `@latest` and version queries to the newest one left).
 */
export function rewriteVersionList(input: { body: Uint8Array; ctx: RewriteContext }): RewriteResult {
  const { body, ctx } = input;
  if (ctx.quarantineCutoff === undefined) return { body };
  const versions = listedVersions(body);
  const infoPaths = infoPathsOf(ctx.path, versions);
  const facts = versions.map((version) => ({ version, publishedAt: timeOf(ctx.companions?.[infoPaths.get(version) ?? ''], version) }));
  const { kept } = filterVersions(facts, { quarantineCutoff: ctx.quarantineCutoff, keepUndated: false });
  return { body: new TextEncoder().encode(kept.map((v) => `${v.version}\n`).join('')) };
}

function timeOf(info: Uint8Array | null | undefined, version: string): string | undefined {
  if (!info) return undefined;
  try {
    return parseVersionInfo(info, `${version}.info`).Time;
  } catch {
    return undefined; // an unreadable .info leaves the version's age unknown
  }
}
