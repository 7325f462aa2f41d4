import type { Classification, IndexLocation } from '@artifactapi/plugin-sdk';
import { PRIMARY_INDEX, PRIMARY_ROLE, REPOMD, REPOMD_INDEX, packageRoot, repodataFile } from './layout.js';

/** createrepo's unique metadata names start with the file's checksum (md5 to sha512). */
const HASH_NAMED = /^[0-9a-f]{32,128}-[^/]+$/;
const PRIMARY_FILE = /^[0-9a-f]{32,128}-primary\.xml(\.[a-z0-9]+)?$/;

const REPOMD_VERDICT: Classification = Object.freeze({ cache: 'mutable', index: REPOMD_INDEX, snapshot: true, contentType: 'application/xml' });
const SIGNATURE: Classification = Object.freeze({ cache: 'mutable', contentType: 'application/pgp-signature' });
const KEY: Classification = Object.freeze({ cache: 'mutable', contentType: 'application/pgp-keys' });
const PRIMARY: Classification = Object.freeze({ cache: 'immutable', index: PRIMARY_INDEX });
const METADATA: Classification = Object.freeze({ cache: 'immutable' });
const OTHER_METADATA: Classification = Object.freeze({ cache: 'mutable' });
const PACKAGE: Classification = Object.freeze({ cache: 'immutable', contentType: 'application/x-rpm' });
const OTHER: Classification = Object.freeze({ cache: 'mutable' });

/**
 * `repodata/repomd.xml` is the mutable snapshot document (served byte for byte, so
 * `repomd.xml.asc` still verifies; its `.asc` and `.key` pass through untouched, revalidated like
 * it). The hash-named files it lists never change; `.rpm` and `.drpm` files never change either.
 * Anything else (a `.treeinfo`, `RPM-GPG-KEY-*`, unhashed metadata names) is mutable.
 */
export function classifyRpmPath(path: string): Classification {
  const meta = repodataFile(path);
  if (meta) {
    if (meta.file === 'repomd.xml') return REPOMD_VERDICT;
    if (meta.file === 'repomd.xml.asc') return SIGNATURE;
    if (meta.file === 'repomd.xml.key') return KEY;
    if (PRIMARY_FILE.test(meta.file)) return PRIMARY;
    return HASH_NAMED.test(meta.file) ? METADATA : OTHER_METADATA;
  }
  if (path.endsWith('.rpm') || path.endsWith('.drpm')) return PACKAGE;
  return OTHER;
}

/**
 * Metadata files are checked against the checksums of their repomd.xml; packages against the
 * primary.xml that repomd.xml names (its path changes with every upstream snapshot).
 */
export function rpmIndexOf(path: string): IndexLocation | undefined {
  const meta = repodataFile(path);
  if (meta) {
    if (meta.file.startsWith('repomd.xml')) return undefined;
    return { path: `${meta.root}${REPOMD}`, index: REPOMD_INDEX };
  }
  if (!path.endsWith('.rpm')) return undefined;
  return { listedIn: { path: `${packageRoot(path)}${REPOMD}`, index: REPOMD_INDEX }, role: PRIMARY_ROLE, index: PRIMARY_INDEX };
}
