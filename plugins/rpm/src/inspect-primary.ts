import type { ArtifactFacts, ExpectedDigest, InspectContext } from '@artifactapi/plugin-sdk';
import { digestOf } from './checksum.js';
import { decompressedText } from './decompress.js';
import { isRelative } from './inspect-repomd.js';
import { rootOfIndex } from './layout.js';
import { XmlReader } from './xml-reader.js';

/** One `<package>` as it is read: only the fields the facts need. */
interface PackageEntry {
  name?: string;
  arch?: string;
  evr?: string;
  digest?: ExpectedDigest;
  checksumType?: string;
  fileTime?: number;
  size?: number;
  href?: string;
  base?: string;
}

/**
 * Inspector task for `rpm-primary` (worker pool): for every package primary.xml lists, keyed by
 * its repository path (`<location href>`, or an `xml:base` under the remote's base_url), the
 * sha256 of the whole `.rpm` (`<checksum pkgid="YES">`), when the repository got it (`<time
 * file>`, for quarantine), its size (`<size package>`) and `name-[epoch:]version-release.arch`.
 * The file is decompressed and parsed as a stream: EPEL's is hundreds of MB of XML, and only one
 * package is held at a time.
 */
export async function inspectPrimary(input: { body: Uint8Array; ctx: InspectContext }): Promise<Record<string, ArtifactFacts>> {
  const { body, ctx } = input;
  const root = rootOfIndex(ctx.path);
  const upstreamBase = `${ctx.upstreamBase.replace(/\/+$/, '')}/`;
  // A Map, not `{}`: an href `__proto__` is a path like any other, not the result's prototype.
  const facts = new Map<string, ArtifactFacts>();
  let current: PackageEntry | undefined;
  const reader = new XmlReader({
    open(tag, depth) {
      if (depth === 2 && tag.name === 'package') {
        current = {};
        return;
      }
      if (!current || depth !== 3) return;
      const a = tag.attributes;
      if (tag.name === 'version') current.evr = `${a.epoch && a.epoch !== '0' ? `${a.epoch}:` : ''}${a.ver ?? '?'}-${a.rel ?? '?'}`;
      else if (tag.name === 'checksum') current.checksumType = a.type;
      else if (tag.name === 'time' && a.file !== undefined && /^\d+$/.test(a.file)) current.fileTime = Number(a.file);
      else if (tag.name === 'size' && a.package !== undefined && /^\d+$/.test(a.package)) current.size = Number(a.package);
      else if (tag.name === 'location') {
        current.href = a.href;
        current.base = a['xml:base'];
      }
    },
    close(name, text, depth) {
      if (!current) return;
      if (depth === 3 && name === 'name') current.name = text.trim();
      else if (depth === 3 && name === 'arch') current.arch = text.trim();
      else if (depth === 3 && name === 'checksum') current.digest = digestOf(current.checksumType, text);
      else if (depth === 2 && name === 'package') {
        const path = current.href === undefined ? undefined : repositoryPath(current.href, current.base, root, upstreamBase);
        if (path !== undefined) facts.set(path, factsOf(current));
        current = undefined;
      }
    },
  });
  for await (const text of decompressedText(body, ctx.path)) reader.write(text);
  reader.end();
  return Object.fromEntries(facts);
}

function factsOf(entry: PackageEntry): ArtifactFacts {
  const facts: ArtifactFacts = { version: `${entry.name ?? '?'}-${entry.evr ?? '?'}.${entry.arch ?? '?'}` };
  if (entry.digest) facts.digests = [entry.digest];
  if (entry.fileTime !== undefined) facts.publishedAt = entry.fileTime * 1000;
  if (entry.size !== undefined) facts.size = entry.size;
  return facts;
}

/**
 * The path a client asks the proxy for: the href under the repository root, or, with an
 * absolute `xml:base` (rare), the resolved URL's place under base_url. A package elsewhere is
 * fetched by the client directly and needs no facts here.
 */
function repositoryPath(href: string, base: string | undefined, root: string, upstreamBase: string): string | undefined {
  if (base === undefined || base === '') return isRelative(href) ? `${root}${href}` : undefined;
  let resolved: string;
  try {
    resolved = new URL(href, base.endsWith('/') ? base : `${base}/`).href;
  } catch {
    return undefined;
  }
  return resolved.startsWith(upstreamBase) ? resolved.slice(upstreamBase.length) : undefined;
}
