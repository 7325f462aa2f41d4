/**
 * Spellings of npm registry paths. Clients send a scoped packument as `@scope%2fname`,
 * `@scope%2Fname` or `@scope/name`; all three become `@scope%2fname`, the form the public
 * registry accepts. Everything below a package name (tarballs, version documents) keeps a literal
 * slash after the scope, as in `@scope/name/-/name-1.2.3.tgz`.
 */

const ENCODED_AT = /^%40/i;
/** `@scope` then `/`, `%2f` or `%2F`, then the rest. */
const SCOPED = /^(@[^/%]+)(?:\/|%2[fF])(.*)$/;

/**
 * The one cache key for a request path (no leading slash, still percent-encoded).
 * Paths under `-/` and paths that are not package paths come back unchanged.
 */
export function canonicalPath(path: string): string {
  if (path.startsWith('-/')) return path;
  const p = path.replace(ENCODED_AT, '@');
  const scoped = SCOPED.exec(p);
  if (!scoped) return p.endsWith('/') && p.indexOf('/') === p.length - 1 ? p.slice(0, -1) : p;
  const [, scope, rest] = scoped as unknown as [string, string, string];
  const slash = rest.indexOf('/');
  const name = slash < 0 ? rest : rest.slice(0, slash);
  const tail = slash < 0 ? '' : rest.slice(slash + 1);
  if (name === '') return path;
  return tail === '' ? `${scope}%2f${name}` : `${scope}/${name}/${tail}`;
}

/** The packument path of a package name (`@scope/name` → `@scope%2fname`). */
export function packumentPath(name: string): string {
  return name.startsWith('@') ? name.replace('/', '%2f') : name;
}

/** The package name a canonical packument path stands for (`@scope%2fname` → `@scope/name`). */
export function nameOfPackumentPath(path: string): string {
  return path.startsWith('@') ? path.replace('%2f', '/') : path;
}

/** The repository path of a tarball: `<name>/-/<file>`, with a literal slash in scoped names. */
export function tarballPath(name: string, file: string): string {
  return `${name}/-/${file}`;
}

/** Canonical tarball paths: `name/-/file.tgz` or `@scope/name/-/file.tgz`. */
export const TARBALL = /^((?:@[^/]+\/)?[^/@][^/]*)\/-\/[^/]+\.tgz$/;

/** Canonical packument paths: `name` or `@scope%2fname`. */
export const PACKUMENT = /^(?:@[^/%]+%2f[^/]+|[^/@][^/]*)$/;

/**
 * The file name under which the proxy serves a version's tarball: the last segment of the
 * upstream's `dist.tarball` URL, or `<unscoped name>-<version>.tgz` when there is none.
 */
export function tarballFileName(name: string, version: string, tarball: unknown): string {
  if (typeof tarball === 'string' && tarball.length > 0) {
    const bare = tarball.replace(/[?#].*$/, '');
    const file = bare.slice(bare.lastIndexOf('/') + 1);
    if (PLAIN_FILE.test(file) && file !== '.' && file !== '..') return file;
  }
  // The version is the upstream's word: encoded, so `../..` or `\..` cannot climb out of `<name>/-/`.
  return `${name.slice(name.indexOf('/') + 1)}-${encodeURIComponent(version)}.tgz`;
}

/** One path segment that a URL parser reads as it is: no backslash (a slash to WHATWG URLs), no escape that could spell a dot. */
const PLAIN_FILE = /^[^/\\%]+$/;
