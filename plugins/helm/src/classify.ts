import type { Classification, HookContext } from '@artifactapi/plugin-sdk';
import { CHART_FILE, FILES_PREFIX, ORIGIN_PREFIX, filesUrlOf } from './chart-location.js';

/** The index kind of a chart repository's index.yaml. */
export const HELM_INDEX = 'helm-index';
/** Where the index lives: the root of the repository (charts in subfolders are listed there too). */
export const INDEX_PATH = 'index.yaml';

const INDEX: Classification = Object.freeze({ cache: 'mutable', index: HELM_INDEX, contentType: 'application/x-yaml' });
const CHART: Classification = Object.freeze({ cache: 'immutable', contentType: 'application/gzip' });
const PROVENANCE: Classification = Object.freeze({ cache: 'immutable', contentType: 'application/pgp-signature' });
const OTHER: Classification = Object.freeze({ cache: 'mutable' });

/**
 * index.yaml is the mutable, rewritten index; chart archives and their `.prov` files are
 * immutable (a published chart version never changes). Anything else a chart repository serves
 * (README, artifacthub-repo.yml) is mutable. Paths under `-/` exist only as rewritten chart URLs.
 */
export function classifyHelmPath(path: string, ctx: HookContext): Classification {
  if (path === INDEX_PATH) return INDEX;
  if (path.startsWith('-/')) {
    const known = path.startsWith(ORIGIN_PREFIX) || (path.startsWith(FILES_PREFIX) && filesUrlOf(ctx.repo.options) !== undefined);
    if (!known) return { cache: 'deny', reason: 'not a chart location this repository hands out' };
    if (!CHART_FILE.test(path)) return { cache: 'deny', reason: 'only chart archives (.tgz, .tgz.prov) are proxied from outside base_url' };
  }
  if (path.endsWith('.tgz')) return CHART;
  if (path.endsWith('.tgz.prov')) return PROVENANCE;
  return OTHER;
}

/** Charts and provenance files are described by the repository's index.yaml. */
export function helmIndexOf(path: string): { path: string; index: string } | undefined {
  return CHART_FILE.test(path) ? { path: INDEX_PATH, index: HELM_INDEX } : undefined;
}
