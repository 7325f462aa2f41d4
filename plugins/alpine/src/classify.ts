import type { Classification } from '@artifactapi/plugin-sdk';

/** The index kind of an APKINDEX.tar.gz: inspected for checksums and build times, never rewritten. */
export const APK_INDEX = 'apkindex';
/** An arch directory's index: `{branch}/{repo}/{arch}/APKINDEX.tar.gz` on a mirror. */
export const INDEX_FILE = 'APKINDEX.tar.gz';
/** The verifier that checks a package against its `C:`. */
export const CONTROL_VERIFIER = 'apk-control';

// No rewriter is named for the index kind: the core serves it as stored, byte for byte, so the
// RSA signature inside it stays valid for clients that check it against /etc/apk/keys.
const INDEX: Classification = Object.freeze({ cache: 'mutable', index: APK_INDEX, contentType: 'application/gzip' });
const PACKAGE: Classification = Object.freeze({ cache: 'immutable', contentType: 'application/octet-stream' });
const OTHER: Classification = Object.freeze({ cache: 'mutable' });

/**
 * apk appends `/{arch}/APKINDEX.tar.gz` and `/{arch}/{name}-{version}.apk` to a repository URL,
 * so each index and the packages it lists share a directory. The index is mutable; a package
 * file never changes once built (a rebuild bumps `-r`). Anything else a mirror serves
 * (`last-updated`, release images and their checksums) is mutable.
 */
export function classifyAlpinePath(path: string): Classification {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name === INDEX_FILE) return INDEX;
  if (name.endsWith('.apk') && name.length > 4) return PACKAGE;
  return OTHER;
}

/** A package is listed in the APKINDEX.tar.gz of its own directory. */
export function alpineIndexOf(path: string): { path: string; index: string } | undefined {
  if (classifyAlpinePath(path) !== PACKAGE) return undefined;
  return { path: `${path.slice(0, path.lastIndexOf('/') + 1)}${INDEX_FILE}`, index: APK_INDEX };
}
