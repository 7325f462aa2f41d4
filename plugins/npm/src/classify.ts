import type { Classification } from '@artifactapi/plugin-sdk';
import { PACKUMENT, TARBALL } from './names.js';

/** The index kind of packuments; names the rewriter and the inspector. */
export const PACKUMENT_INDEX = 'packument';

const PACKUMENT_VERDICT: Classification = Object.freeze({ cache: 'mutable', index: PACKUMENT_INDEX, contentType: 'application/json' });
const TARBALL_VERDICT: Classification = Object.freeze({ cache: 'immutable', contentType: 'application/octet-stream' });
const MUTABLE_JSON: Classification = Object.freeze({ cache: 'mutable', contentType: 'application/json' });
const IMMUTABLE_JSON: Classification = Object.freeze({ cache: 'immutable', contentType: 'application/json' });

/** `name/1.2.3`, `name/latest`, `@scope/name/1.2.3`: one version's manifest. */
const VERSION_DOCUMENT = /^(?:@[^/]+\/)?[^/@][^/]*\/[^/-][^/]*$/;
const DIST_TAGS = /^-\/package\/.+\/dist-tags$/;
const ATTESTATION = /^-\/npm\/v1\/attestations\/.+$/;

function deny(reason: string): Classification {
  return { cache: 'deny', reason };
}

/**
 * Registry-level endpoints under `-/`. Audit requests are POSTs, which never reach a plugin;
 * search is refused because the proxy does not forward query strings, so every search would
 * share one cache entry.
 */
function classifyDash(path: string): Classification {
  if (path === '-/npm/v1/keys') return MUTABLE_JSON;
  if (ATTESTATION.test(path)) return IMMUTABLE_JSON;
  if (DIST_TAGS.test(path)) return MUTABLE_JSON;
  if (path === '-/v1/search') return deny('search is not proxied (query strings are not forwarded upstream)');
  if (path.startsWith('-/npm/v1/security/')) return deny('audit requests are POSTs and answered by the proxy itself');
  return deny('registry account and admin endpoints are not proxied');
}

/** Classifies a canonical npm path (see canonicalPath). */
export function classifyNpm(path: string): Classification {
  if (path.startsWith('-/')) return classifyDash(path);
  if (TARBALL.test(path)) return TARBALL_VERDICT;
  if (PACKUMENT.test(path)) return PACKUMENT_VERDICT;
  if (VERSION_DOCUMENT.test(path)) return MUTABLE_JSON;
  return deny('not an npm registry path');
}

/** Whether a canonical path is a packument (the upstream must send the full document). */
export function isPackument(path: string): boolean {
  return !path.startsWith('-/') && PACKUMENT.test(path);
}
