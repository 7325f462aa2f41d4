import { parseJsonDocument } from '@artifactapi/plugin-sdk';

/** A version's `.info` (also the body of `@latest`): `{ Version, Time }`, Time being the commit time. */
export interface VersionInfo {
  Version: string;
  /** RFC 3339. */
  Time?: string;
}

/** Reads an `.info` document; a SyntaxError when it is not one. */
export function parseVersionInfo(body: Uint8Array, what: string): VersionInfo {
  const doc = parseJsonDocument(body, what) as Partial<VersionInfo> | null;
  if (typeof doc !== 'object' || doc === null || typeof doc.Version !== 'string') throw new SyntaxError(`${what} has no Version`);
  return { Version: doc.Version, ...(typeof doc.Time === 'string' ? { Time: doc.Time } : {}) };
}
