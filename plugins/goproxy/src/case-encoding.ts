/**
 * Go's case encoding of module paths and versions in proxy URLs: every upper-case letter is
 * written as `!` and the lower-case letter (`github.com/Azure/x` → `github.com/!azure/x`), so a
 * proxy on a case-insensitive file system keeps them apart. The encoded form is what travels
 * upstream and what the cache is keyed on; the decoded form is what go.sum and the checksum
 * database print.
 */

const ENCODED = /^(?:[^A-Z!]|![a-z])*$/;

/** The decoded path, or undefined for a string that is not validly encoded (a bare upper-case letter, `!` not before a-z). */
export function decodeCase(encoded: string): string | undefined {
  if (!ENCODED.test(encoded)) return undefined;
  return encoded.replace(/!([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The encoded form of a module path or version. */
export function encodeCase(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/**
 * One spelling of a proxy path: go escapes the `!` of case encoding as `%21` in its requests
 * (url.PathEscape), while proxies and the checksum database write it literally. Both mean the
 * same module, so both share one cache entry and the upstream gets the literal form.
 */
export function canonicalGoPath(path: string): string {
  return path.includes('%21') ? path.replace(/%21/g, '!') : path;
}
