import type { ArtifactFacts, InspectContext } from '@artifactapi/plugin-sdk';
import { digestOf } from './checksum.js';
import { rootOfIndex } from './layout.js';
import { snapshotPolicy, type SnapshotPolicy } from './options.js';
import { XmlReader } from './xml-reader.js';

interface DataEntry {
  type: string;
  href?: string;
  checksumType?: string;
  checksum?: string;
}

/**
 * Inspector task for `rpm-repomd` (worker pool): every metadata file repomd.xml lists, keyed by
 * its repository path, with the checksum of its stored (compressed) bytes, its `type` as `role`
 * (so packages find the `primary`), and `required` for the types the repository keeps as part of
 * the snapshot (option `snapshot_metadata`).
 */
export function inspectRepomd(input: { body: Uint8Array; ctx: InspectContext }): Record<string, ArtifactFacts> {
  const { body, ctx } = input;
  const root = rootOfIndex(ctx.path);
  const policy = snapshotPolicy(ctx.options);
  const entries: DataEntry[] = [];
  let current: DataEntry | undefined;
  const reader = new XmlReader({
    open(tag, depth) {
      if (depth === 2 && tag.name === 'data') current = { type: tag.attributes.type ?? '' };
      else if (current && depth === 3 && tag.name === 'location') current.href = tag.attributes.href;
      else if (current && depth === 3 && tag.name === 'checksum') current.checksumType = tag.attributes.type;
    },
    close(name, text, depth) {
      if (current && depth === 3 && name === 'checksum') current.checksum = text;
      if (current && depth === 2 && name === 'data') {
        entries.push(current);
        current = undefined;
      }
    },
  });
  reader.write(new TextDecoder('utf-8').decode(body));
  reader.end();

  // A Map, not `{}`: an href `__proto__` is a path like any other, not the result's prototype.
  const facts = new Map<string, ArtifactFacts>();
  for (const entry of entries) {
    if (!entry.href || !isRelative(entry.href)) continue;
    const digest = entry.checksum === undefined ? undefined : digestOf(entry.checksumType, entry.checksum);
    facts.set(`${root}${entry.href}`, {
      ...(digest ? { digests: [digest] } : {}),
      role: entry.type,
      ...(isRequired(entry.type, policy) ? { required: true } : {}),
    });
  }
  return Object.fromEntries(facts);
}

/** A location inside the repository: no scheme, no absolute path, no `..`, no backslash (a slash to URL parsers). */
export function isRelative(href: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('/') && !href.includes('\\') && !href.split('/').includes('..');
}

/** `xml`: what dnf and yum read by default (not the sqlite `_db` or zchunk `_zck` variants). */
function isRequired(type: string, policy: SnapshotPolicy): boolean {
  if (policy === 'all') return true;
  if (policy === 'none') return false;
  return !type.endsWith('_db') && !type.endsWith('_zck');
}
