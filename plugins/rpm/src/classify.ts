import type { Classification, ExpectedDigest, IndexLocation } from '@artifactapi/plugin-sdk';
import { PRIMARY_INDEX, PRIMARY_ROLE, REPOMD, REPOMD_INDEX, packageRoot, repodataFile } from './layout.js';

/** createrepo's unique metadata names start with the checksum of the stored (compressed) file. */
const HASH_NAMED = /^([0-9a-f]{32,128})-([^/]+)$/;
const PRIMARY_NAME = /^primary\.xml(\.[a-z0-9]+)?$/;
const NAME_DIGESTS: Readonly<Record<number, ExpectedDigest['algorithm']>> = { 40: 'sha1', 64: 'sha256', 128: 'sha512' };

const REPOMD_VERDICT: Classification = Object.freeze({ cache: 'mutable', index: REPOMD_INDEX, snapshot: true, contentType: 'application/xml' });
const SIGNATURE: Classification = Object.freeze({ cache: 'mutable', contentType: 'application/pgp-signature' });
const KEY: Classification = Object.freeze({ cache: 'mutable', contentType: 'application/pgp-keys' });
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
    const hashed = HASH_NAMED.exec(meta.file);
    return hashed ? hashNamed(hashed[1]!, hashed[2]!) : OTHER_METADATA;
  }
  if (path.endsWith('.rpm') || path.endsWith('.drpm')) return PACKAGE;
  return OTHER;
}

/**
 * A hash-named metadata file is immutable, and its name is a digest the bytes must have even
 * before repomd.xml is read (a repomd.xml that cannot be had does not let a wrong file through).
 * The primary is the index of packages.
 */
function hashNamed(hex: string, name: string): Classification {
  const algorithm = NAME_DIGESTS[hex.length];
  return {
    cache: 'immutable',
    ...(PRIMARY_NAME.test(name) ? { index: PRIMARY_INDEX } : {}),
    ...(algorithm ? { expectedDigest: { algorithm, hex } } : {}),
  };
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
