import { decodeCase } from './case-encoding.js';

/** The go.sum lines a checksum database `lookup` answer gives for one module version. */
export interface LookupHashes {
  module: string;
  version: string;
  /** `h1:` of the module zip. */
  zip: string;
  /** `h1:` of its go.mod. */
  mod: string;
}

/** `lookup/<module>@<version>` (both case-encoded) out of a lookup path's tail. */
export function lookupTarget(rest: string): { module: string; version: string } | undefined {
  const m = /^lookup\/(.+)@([^/@]+)$/.exec(rest);
  return m ? { module: m[1]!, version: m[2]! } : undefined;
}

/**
 * Reads a `lookup` answer: a record id line, the record's go.sum lines, a blank line and the
 * signed tree note. Only the two lines for the looked-up module version matter here (the client
 * checks the signature and the tree itself). Throws a SyntaxError when they are missing.
 */
export function parseLookup(body: string, encodedModule: string, encodedVersion: string): LookupHashes {
  const module = decodeCase(encodedModule);
  const version = decodeCase(encodedVersion);
  if (module === undefined || version === undefined) throw new SyntaxError(`${encodedModule}@${encodedVersion} is not a case-encoded module version`);
  const record = body.split('\n\n')[0] ?? '';
  let zip: string | undefined;
  let mod: string | undefined;
  for (const line of record.split('\n')) {
    const [m, v, hash, extra] = line.split(' ');
    if (m !== module || extra !== undefined || !hash?.startsWith('h1:')) continue;
    if (v === version) zip = hash;
    else if (v === `${version}/go.mod`) mod = hash;
  }
  if (!zip || !mod) throw new SyntaxError(`the lookup of ${module}@${version} lists no h1: lines for it`);
  return { module, version, zip, mod };
}
