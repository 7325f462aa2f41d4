/** PEP 503 normalised project name: lower case, every run of `-`, `_`, `.` as one `-`. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** A version compared loosely: lower case, separators unified (wheel names turn `-` into `_`). */
export function looseVersion(version: string): string {
  return version.toLowerCase().replace(/[-_.]+/g, '.');
}

/**
 * One spelling per percent-encoded segment: decoded, then encoded with encodeURIComponent.
 * pip quotes file URLs (`+` becomes `%2B`) while index documents may not, so both must land on
 * the same cache key. A segment that does not decode is left alone (core refuses it anyway).
 */
export function canonicalSegment(segment: string): string {
  try {
    return encodeURIComponent(decodeURIComponent(segment));
  } catch {
    return segment;
  }
}

/** Canonical form of a `packages/…` (or any file) path: every segment re-encoded one way. */
export function canonicalFilePath(path: string): string {
  return path.split('/').map(canonicalSegment).join('/');
}

const SDIST_SUFFIXES = ['.tar.gz', '.tar.bz2', '.tar.xz', '.tar.Z', '.tgz', '.tbz', '.tar', '.zip'];

/** A distribution file name split into project and version, or undefined when it is no known kind. */
export interface DistName {
  project: string;
  version: string;
}

/**
 * Project and version from a distribution file name: wheels (PEP 427, `name-ver(-build)?-py-abi-plat.whl`),
 * eggs, and sdists (`name-version.tar.gz`; legacy names may contain `-`, so the version starts at
 * the first `-` followed by a digit).
 */
export function parseDistFilename(filename: string): DistName | undefined {
  if (filename.endsWith('.whl') || filename.endsWith('.egg')) {
    const parts = filename.slice(0, -4).split('-');
    if (parts.length < 2 || !parts[0] || !parts[1]) return undefined;
    return { project: parts[0], version: parts[1] };
  }
  const suffix = SDIST_SUFFIXES.find((s) => filename.toLowerCase().endsWith(s.toLowerCase()));
  if (!suffix) return undefined;
  const stem = filename.slice(0, -suffix.length);
  const at = stem.search(/-\d/);
  if (at <= 0) return undefined;
  return { project: stem.slice(0, at), version: stem.slice(at + 1) };
}

/** The last segment of a path or URL path, percent-decoded when possible. */
export function lastSegment(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
