import { hash } from 'node:crypto';
import { RegistryError } from './errors.js';

/**
 * The grammar of image names, tags and digests (distribution spec "Pulling manifests", image
 * spec descriptor.md). Everything here is checked before any lookup, so a bad name is a 400 in
 * the registry's words and never reaches the store or the upstream.
 */

/** One path component of an image name: lower-case alphanumerics joined by `.`, `_`, `__` or dashes. */
const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
export const NAME_PATTERN = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
/** The general digest grammar: `algorithm:encoded`. */
export const DIGEST_PATTERN = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * Many clients refuse a reference whose `host[:port]/name` is longer than 255 characters
 * (distribution's reference.NameTotalLengthMax); the name alone is held to it here.
 */
export const NAME_MAX_LENGTH = 255;

/** The encoded part of each digest algorithm the registry accepts. */
const ENCODED: Readonly<Record<string, RegExp>> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
};

export interface Digest {
  algorithm: 'sha256' | 'sha512';
  /** Lower-case hex. */
  hex: string;
}

/** A manifest reference: a tag or a digest. */
export type Reference = { kind: 'tag'; tag: string } | { kind: 'digest'; digest: string };

export function isImageName(name: string): boolean {
  return name.length <= NAME_MAX_LENGTH && NAME_PATTERN.test(name);
}

/** The image name, or NAME_INVALID naming what is wrong with it. */
export function checkImageName(name: string): string {
  if (name.length > NAME_MAX_LENGTH) throw new RegistryError('NAME_INVALID', { detail: { name, reason: `longer than ${NAME_MAX_LENGTH} characters` } });
  if (!NAME_PATTERN.test(name)) throw new RegistryError('NAME_INVALID', { detail: { name } });
  return name;
}

/**
 * A parsed digest, or DIGEST_INVALID: for a string outside the grammar, and for an algorithm
 * other than sha256 and sha512 (the cache verifies every byte by its digest, so a digest it cannot
 * compute is one it cannot serve).
 */
export function parseDigest(value: string): Digest {
  const problem = digestProblem(value);
  if (problem !== undefined) throw new RegistryError('DIGEST_INVALID', { message: problem, detail: { digest: value } });
  const colon = value.indexOf(':');
  return { algorithm: value.slice(0, colon) as Digest['algorithm'], hex: value.slice(colon + 1) };
}

/** Whether `value` is a digest this registry can serve; no exception, as tags are checked on every manifest pull. */
export function isDigest(value: string): boolean {
  return digestProblem(value) === undefined;
}

function digestProblem(value: string): string | undefined {
  if (!DIGEST_PATTERN.test(value)) return 'invalid digest';
  const colon = value.indexOf(':');
  const algorithm = value.slice(0, colon);
  const encoded = ENCODED[algorithm];
  if (!encoded) return `unsupported digest algorithm ${algorithm}`;
  if (!encoded.test(value.slice(colon + 1))) return `invalid ${algorithm} digest`;
  return undefined;
}

/**
 * A manifest reference from the URL: a digest when it holds a `:` (tags cannot), else a tag.
 * TAG_INVALID or DIGEST_INVALID when it breaks the grammar of the kind it looks like.
 */
export function parseReference(value: string): Reference {
  if (value.includes(':')) {
    parseDigest(value);
    return { kind: 'digest', digest: value };
  }
  if (!TAG_PATTERN.test(value)) throw new RegistryError('TAG_INVALID', { message: 'invalid tag', detail: { tag: value } });
  return { kind: 'tag', tag: value };
}

/** The digest of `bytes` (what the registry checks every blob and manifest against). */
export function digestOf(bytes: Uint8Array | string, algorithm: Digest['algorithm'] = 'sha256'): string {
  return `${algorithm}:${hash(algorithm, bytes, 'hex')}`;
}
