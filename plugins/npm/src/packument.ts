import { parseJsonDocument } from '@artifactapi/plugin-sdk';
import { nameOfPackumentPath } from './names.js';

/** The parts of a full packument this plugin reads or changes; the rest passes through untouched. */
export interface Packument {
  name?: string;
  'dist-tags'?: Record<string, string>;
  versions?: Record<string, VersionManifest>;
  time?: Record<string, string>;
  [key: string]: unknown;
}

export interface VersionManifest {
  name?: string;
  version?: string;
  dist?: { tarball?: unknown; integrity?: unknown; shasum?: unknown; [key: string]: unknown };
  [key: string]: unknown;
}

/** Parses a stored packument; a body that is not a JSON object is an upstream fault worth naming. */
export function parsePackument(body: Uint8Array): Packument {
  const doc = parseJsonDocument(body, 'packument');
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new SyntaxError('packument is not a JSON object');
  return doc as Packument;
}

/** The package name: from the path the document was requested at, else the document's own `name`. */
export function packageName(doc: Packument, path: string): string {
  if (path !== '') return nameOfPackumentPath(path);
  if (typeof doc.name === 'string') return doc.name;
  throw new Error('packument has no name');
}

/** The versions of a packument as [version, manifest] pairs, skipping entries that are not objects. */
export function versionEntries(doc: Packument): [string, VersionManifest][] {
  const versions = doc.versions;
  if (typeof versions !== 'object' || versions === null) return [];
  return Object.entries(versions).filter((e): e is [string, VersionManifest] => typeof e[1] === 'object' && e[1] !== null);
}

/** A JSON object (not an array, not null): what `versions`, `time` and `dist-tags` must be to be read at all. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `time[version]` as written, when `time` is an object and the entry a string. */
export function publishedStamp(doc: Packument, version: string): string | undefined {
  const stamp = isRecord(doc.time) && Object.hasOwn(doc.time, version) ? doc.time[version] : undefined;
  return typeof stamp === 'string' ? stamp : undefined;
}

/** `time[version]` in ms since epoch, or undefined when missing or unparsable. */
export function publishedAt(doc: Packument, version: string): number | undefined {
  const stamp = publishedStamp(doc, version);
  if (stamp === undefined) return undefined;
  const ms = Date.parse(stamp);
  return Number.isNaN(ms) ? undefined : ms;
}
