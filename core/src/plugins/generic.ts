import { definePlugin } from '@artifactapi/plugin-sdk';
import type { Classification } from '@artifactapi/plugin-sdk';

/*
 * How `generic` (plain files, like an Artifactory "generic" or Nexus "raw" remote) classifies a path.
 *
 * A generic upstream is an arbitrary file server, so the rule has to guess which files change in
 * place. The two mistakes do not cost the same: caching a moving file as immutable serves it stale
 * forever, while treating a fixed file as mutable costs one conditional request per mutable_ttl.
 * So anything that looks like it moves is mutable, and users pin exceptions with
 * `mutable_patterns` / `immutable_patterns`.
 *
 * Mutable:
 *  1. the root and paths ending in `/`: directory listings change whenever a file is added;
 *  2. a path with a rolling name: any segment, or any `-`/`.`/`_`-separated word of one, that is
 *     `latest`, `current`, `stable`, `nightly` or `snapshot` (case-insensitive):
 *     `node/latest/…`, `dist/latest-v20.x/…`, `releases/latest/download/x`, `stable.txt`,
 *     `rclone-current-linux-amd64.zip`, Maven `1.0-SNAPSHOT/…`;
 *  3. a file name that lists other files and is rewritten as they are added:
 *     aggregate checksum lists (`SHASUMS256.txt`, `SHA256SUMS`, `MD5SUMS`, `checksums.txt`, …;
 *     Ubuntu rewrites SHA256SUMS for each point release), indexes (`index.json`, `index.html`,
 *     `index.tab`, `versions.json`, `releases.json`, …) and `maven-metadata.xml`;
 *  4. signatures and checksums of a file that is mutable by rules 2-3 (`SHA256SUMS.gpg`,
 *     `SHASUMS256.txt.asc`): they must change together with it;
 *  5. Debian-style `dists/…` metadata (Release, InRelease, Packages.xz), except `by-hash/`, whose
 *     names are their own digests.
 *
 * Everything else is immutable, including per-file sidecars such as `foo.tar.gz.sha256` or
 * `foo.tar.gz.asc`: they describe one file that never changes, and goreleaser-style
 * `app_1.2.3_checksums.txt`, which belongs to one release. Nothing is denied and there is no index
 * kind: generic stores what the upstream sent and serves it unchanged.
 */

const ROLLING_WORDS = new Set(['latest', 'current', 'stable', 'nightly', 'snapshot']);
const CHECKSUM_LIST = /^(?:sha\d*sums?\d*|md5sums?|b2sums?|checksums?)(?:\.txt)?$/i;
const INDEX_FILE = /^(?:index|versions|releases)\.(?:json|html?|tab|txt|xml|ya?ml)$/i;
const METADATA_FILE = /^maven-metadata\.xml$/i;
const SIDECAR = /\.(?:asc|sig|sign|gpg|md5|sha1|sha256|sha512)$/i;

const MUTABLE: Classification = Object.freeze({ cache: 'mutable' });
const IMMUTABLE: Classification = Object.freeze({ cache: 'immutable' });

/** True when the file name lists other files (rule 3), looking through signature and checksum suffixes (rule 4). */
function isListingFile(name: string): boolean {
  let base = name;
  while (SIDECAR.test(base)) base = base.replace(SIDECAR, '');
  return CHECKSUM_LIST.test(base) || INDEX_FILE.test(base) || METADATA_FILE.test(base);
}

function hasRollingWord(segment: string): boolean {
  return segment.split(/[-._]/).some((word) => ROLLING_WORDS.has(word.toLowerCase()));
}

function isDebianDists(segments: readonly string[]): boolean {
  const dists = segments.indexOf('dists');
  return dists !== -1 && dists < segments.length - 1 && !segments.includes('by-hash');
}

/** Classifies a generic path; see the rules above. */
export function classifyGeneric(path: string): Classification {
  if (path === '' || path.endsWith('/')) return MUTABLE;
  const segments = path.split('/');
  const name = segments.at(-1) ?? '';
  if (segments.some(hasRollingWord) || isListingFile(name) || isDebianDists(segments)) return MUTABLE;
  return IMMUTABLE;
}

/** The built-in `generic` package type: plain files proxied and hosted byte for byte. */
export const genericPlugin = definePlugin({
  type: 'generic',
  description: 'Plain files: any HTTP file server, proxied and hosted byte for byte',
  classify: classifyGeneric,
});
