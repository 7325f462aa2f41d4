/** What a request path of a Go module proxy names. */
export type GoPath =
  | { kind: 'list'; module: string }
  | { kind: 'latest'; module: string }
  | { kind: 'info' | 'mod' | 'zip'; module: string; version: string; canonical: boolean }
  | { kind: 'sumdb'; db: string; what: 'supported' | 'latest' | 'lookup' | 'tile' | 'other'; rest: string }
  | { kind: 'other' };

const LIST = /^(.+)\/@v\/list$/;
const LATEST = /^(.+)\/@latest$/;
const VERSION_FILE = /^(.+)\/@v\/([^/]+)\.(info|mod|zip)$/;
/**
 * A canonical semantic version as go writes it in proxy URLs (case-encoded, hence `!`): these
 * name one immutable release. Anything else before `.info` is a query (a branch, a commit).
 */
const CANONICAL = /^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9a-z.!-]+)?(\+incompatible)?$/;
const SUMDB = /^sumdb\/([^/]+)\/(.*)$/;

/** Splits a repository path (no leading slash, case-encoded) into what it names. */
export function parseGoPath(path: string): GoPath {
  const sumdb = SUMDB.exec(path);
  if (sumdb) {
    const [, db, rest] = sumdb as unknown as [string, string, string];
    let what: 'supported' | 'latest' | 'lookup' | 'tile' | 'other' = 'other';
    if (rest === 'supported' || rest === 'latest') what = rest;
    else if (/^lookup\/.+@[^/]+$/.test(rest)) what = 'lookup';
    else if (/^tile\/[0-9]+\/(data|[0-9]+)\/[0-9x/]+(\.p\/[0-9]+)?$/.test(rest)) what = 'tile';
    return { kind: 'sumdb', db, what, rest };
  }
  const list = LIST.exec(path);
  if (list) return { kind: 'list', module: list[1]! };
  const latest = LATEST.exec(path);
  if (latest) return { kind: 'latest', module: latest[1]! };
  const file = VERSION_FILE.exec(path);
  if (file) {
    const version = file[2]!;
    return { kind: file[3] as 'info' | 'mod' | 'zip', module: file[1]!, version, canonical: CANONICAL.test(version) };
  }
  return { kind: 'other' };
}

/** The proxy path of a version's file. */
export function versionFilePath(module: string, version: string, ext: 'info' | 'mod' | 'zip'): string {
  return `${module}/@v/${version}.${ext}`;
}
