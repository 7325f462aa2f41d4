import { CORE_SCHEMA, dump, load } from 'js-yaml';
import { parseJsonDocument } from '@artifactapi/plugin-sdk';

/**
 * index.yaml as parsed: plain data, plus the syntax it came in so it goes back out the same way.
 * js-yaml rather than `yaml`: on a generated 20 MB index it parses about 20 times faster.
 */
export interface ParsedIndex {
  doc: Record<string, unknown>;
  /** Helm reads either; `helm repo index --json` writes JSON. */
  format: 'yaml' | 'json';
}

/** One chart version as index.yaml lists it; every field is optional in practice. */
export type ChartVersion = Record<string, unknown>;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Parses an index document; throws with a short reason when it is not an index. */
export function parseIndex(body: Uint8Array): ParsedIndex {
  const text = decoder.decode(body);
  const json = /^\s*\{/.test(text);
  let doc: unknown;
  try {
    // The core schema keeps `created` and other timestamps as the strings the index wrote.
    doc = json ? parseJsonDocument(text, 'index.yaml') : load(text, { schema: CORE_SCHEMA });
  } catch (err) {
    // A SyntaxError tells the core the upstream's document is unreadable (a 502), not that we failed.
    throw new SyntaxError(`index.yaml does not parse: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isRecord(doc)) throw new SyntaxError('index.yaml is not a mapping');
  return { doc, format: json ? 'json' : 'yaml' };
}

/** Writes an index back in the syntax it was read in. */
export function serializeIndex(parsed: ParsedIndex): Uint8Array {
  if (parsed.format === 'json') return encoder.encode(JSON.stringify(parsed.doc));
  // No line folding and no anchors: some readers handle neither well in a 20 MB document.
  return encoder.encode(dump(parsed.doc, { schema: CORE_SCHEMA, lineWidth: -1, noRefs: true }));
}

/** The Content-Type the proxy serves an index with. */
export function contentTypeOf(parsed: ParsedIndex): string {
  return parsed.format === 'json' ? 'application/json' : 'application/x-yaml';
}

/** The `entries` map (chart name → versions), or undefined when the index has none. */
export function entriesOf(doc: Record<string, unknown>): Record<string, unknown> | undefined {
  return isRecord(doc.entries) ? doc.entries : undefined;
}

/** The chart versions of one entry, skipping anything that is not a mapping. */
export function versionsOf(value: unknown): ChartVersion[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** When a chart version was published (`created`), in ms since epoch; undefined when absent or unreadable. */
export function createdAt(version: ChartVersion): number | undefined {
  const created = version.created;
  if (typeof created !== 'string' && !(created instanceof Date)) return undefined;
  const ms = new Date(created).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
