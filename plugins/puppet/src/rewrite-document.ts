import { normaliseBase, type RewriteContext, type RewriteResult } from '@artifactapi/plugin-sdk';
import { createdAt, isRecord, isYoung, parseForgeDocument, type ForgeObject } from './forge-json.js';

const JSON_TYPE = 'application/json';

/**
 * Rewriter task for every Forge document (list pages, modules, releases; runs in the worker
 * pool). puppet prepends its configured base path to `file_uri` and `pagination.next`, so those
 * stay root-relative: an absolute URL under the upstream's base becomes `/v3/…`, which the client
 * then asks the proxy for. With quarantine on, releases created after the cutoff leave lists,
 * a module's `releases` and its `current_release`. A document that needs no change is returned
 * byte for byte.
 */
export function rewriteForgeDocument(input: { body: Uint8Array; ctx: RewriteContext }): RewriteResult {
  const { body, ctx } = input;
  const doc = parseForgeDocument(body, ctx.path);
  let changed = rootRelative(doc, normaliseBase(ctx.upstreamBase));
  if (ctx.quarantineCutoff !== undefined) changed = quarantine(doc, ctx.path, ctx.quarantineCutoff) || changed;
  return { body: changed ? new TextEncoder().encode(JSON.stringify(doc)) : body, contentType: JSON_TYPE };
}

/** Rewrites, anywhere in the document, absolute URLs below `base` that name a `/v3/` resource. */
function rootRelative(node: unknown, base: string): boolean {
  let changed = false;
  const visit = (value: unknown, set: (v: string) => void): void => {
    if (typeof value === 'string') {
      const relative = belowBase(value, base);
      if (relative !== undefined) {
        set(relative);
        changed = true;
      }
    } else if (Array.isArray(value)) value.forEach((item, i) => visit(item, (v) => (value[i] = v)));
    else if (isRecord(value)) for (const key of Object.keys(value)) visit(value[key], (v) => (value[key] = v));
  };
  visit(node, () => undefined);
  return changed;
}

/** `/v3/…?…` for an http(s) URL below `base`, else undefined. */
function belowBase(value: string, base: string): string | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const target = url.origin + url.pathname;
  if (url.username || url.password || !target.startsWith(`${base}/v3/`)) return undefined;
  return target.slice(base.length) + url.search;
}

/** Leaves quarantined releases out of a list page or a module; a single release is left alone (its tarball gets 451). */
function quarantine(doc: ForgeObject, path: string, cutoff: number): boolean {
  if (!Array.isArray(doc.results)) return Array.isArray(doc.releases) || isRecord(doc.current_release) ? filterModule(doc, cutoff) : false;
  const results: unknown[] = doc.results;
  if (!path.startsWith('v3/releases')) {
    // A module search: each module loses its young releases.
    let changed = false;
    for (const item of results) if (isRecord(item)) changed = filterModule(item, cutoff) || changed;
    return changed;
  }
  const kept = results.filter((item) => !isRecord(item) || !isYoung(item, cutoff));
  const dropped = results.length - kept.length;
  if (dropped === 0) return false;
  doc.results = kept;
  const pagination = doc.pagination;
  if (isRecord(pagination) && typeof pagination.total === 'number') pagination.total = Math.max(0, pagination.total - dropped);
  return true;
}

/**
 * A module without its quarantined releases: `releases[]` filtered, and a young `current_release`
 * replaced by the newest remaining entry (abbreviated, as `releases[]` lists it; clients read its
 * `version` and fetch the release), or null when none remains.
 */
function filterModule(module: ForgeObject, cutoff: number): boolean {
  let changed = false;
  let remaining: ForgeObject[] = [];
  if (Array.isArray(module.releases)) {
    const all = module.releases.filter(isRecord);
    remaining = all.filter((r) => !isYoung(r, cutoff));
    if (remaining.length !== module.releases.length) {
      module.releases = remaining;
      changed = true;
    }
  }
  if (isRecord(module.current_release) && isYoung(module.current_release, cutoff)) {
    module.current_release = newest(remaining) ?? null;
    changed = true;
  }
  return changed;
}

function newest(releases: readonly ForgeObject[]): ForgeObject | undefined {
  let best: ForgeObject | undefined;
  for (const r of releases) if (!best || (createdAt(r) ?? 0) > (createdAt(best) ?? 0)) best = r;
  return best;
}
