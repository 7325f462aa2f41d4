import { definePlugin } from '@artifactapi/plugin-sdk';
import { JSON_TYPE, variantFor } from './accept.js';
import { classifyNpm, isPackument, PACKUMENT_INDEX } from './classify.js';
import { npmErrorBody } from './error-body.js';
import { canonicalPath, packumentPath, TARBALL } from './names.js';

const FULL_DOCUMENT: Readonly<Record<string, string>> = Object.freeze({ accept: JSON_TYPE });
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The npm registry: packuments (stored full, served full or abbreviated with tarball URLs
 * pointing at the proxy, young versions hidden under quarantine) and tarballs (immutable,
 * verified against the packument's integrity). Scoped names are accepted in every spelling.
 */
export default definePlugin({
  type: 'npm',
  description: 'npm registry: packuments (full and abbreviated) and tarballs, scoped packages, integrity checks, quarantine',
  // No repository keys of its own: any key the core does not know is an error.
  options: { properties: {} },
  canonicalPath: (path) => canonicalPath(path),
  classify: (path) => classifyNpm(path),
  // Only the full document has `time`, which quarantine needs; the corgi is derived from it.
  upstreamHeaders: (path) => (isPackument(path) ? FULL_DOCUMENT : NO_HEADERS),
  negotiate: (_path, headers) => ({ variant: variantFor(headers.accept) }),
  errorBody: npmErrorBody,
  rewriters: {
    [PACKUMENT_INDEX]: { module: new URL('./rewrite-packument.js', import.meta.url).href, export: 'rewritePackument' },
  },
  inspectors: {
    [PACKUMENT_INDEX]: { module: new URL('./inspect-packument.js', import.meta.url).href, export: 'inspectPackument' },
  },
  indexOf(path) {
    const tarball = TARBALL.exec(path);
    return tarball ? { path: packumentPath(tarball[1]!), index: PACKUMENT_INDEX } : undefined;
  },
});
