import { parseJsonDocument, versionVerdict } from '@artifactapi/plugin-sdk';

/** A JSON object of a Forge document (a release, a module, a list page). */
export type ForgeObject = Record<string, unknown>;

/** Parses a Forge v3 document; a body that is not a JSON object is a SyntaxError (the core answers 502). */
export function parseForgeDocument(body: Uint8Array, what: string): ForgeObject {
  const doc = parseJsonDocument(body, what);
  if (!isRecord(doc)) throw new SyntaxError(`${what} is not a JSON object`);
  return doc;
}

export function isRecord(value: unknown): value is ForgeObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Forge's own timestamp shape, `2013-05-13 08:31:19 -0700` (not ISO 8601). */
const FORGE_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ?([+-]\d{2}):?(\d{2})$/;

/**
 * A Forge timestamp in ms since epoch: the Forge's `2013-05-13 08:31:19 -0700`, or ISO 8601 as
 * other Forge implementations write it. Undefined when absent or unreadable.
 */
export function forgeTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const forge = FORGE_TIME.exec(value.trim());
  const iso = forge ? `${forge[1]}T${forge[2]}${forge[3]}:${forge[4]}` : value;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A release's (or a module's abbreviated release entry's) publish time, `created_at`. */
export function createdAt(release: ForgeObject): number | undefined {
  return forgeTime(release.created_at);
}

/** Whether a release was published after the quarantine cutoff; an undated release is kept. */
export function isYoung(release: ForgeObject, cutoff: number | undefined): boolean {
  const publishedAt = createdAt(release);
  const facts = { version: typeof release.version === 'string' ? release.version : '', ...(publishedAt !== undefined ? { publishedAt } : {}) };
  return versionVerdict(facts, { quarantineCutoff: cutoff }) === 'quarantined';
}
