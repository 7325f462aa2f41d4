import { parseJsonDocument } from '@artifactapi/plugin-sdk';
import { RegistryError } from './errors.js';

/**
 * JSON documents a remote's upstream sent (a tags list, a manifest of unknown type), read for
 * the registry's own answers. What is not a JSON object is the upstream's fault: UNAVAILABLE with
 * a 502, never a TypeError (a 500 that blames the proxy).
 */
export function upstreamJsonObject(body: Uint8Array | string, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseJsonDocument(body, what);
  } catch (err) {
    throw unreadable(what, (err as Error).message);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw unreadable(what, `${what} is not a JSON object`);
  return doc as Record<string, unknown>;
}

/** The tags of an upstream `tags/list` body (entries that are not strings are skipped). */
export function upstreamTags(body: Uint8Array | string): string[] {
  const tags = upstreamJsonObject(body, 'tags list').tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

function unreadable(what: string, reason: string): RegistryError {
  return new RegistryError('UNAVAILABLE', { message: `the upstream sent an unreadable ${what}: ${reason}`, status: 502 });
}
