import type { ArtifactFacts, ExpectedDigest, InspectContext } from '@artifactapi/plugin-sdk';
import { proxiedPath, upstreamHosts } from './file-urls.js';
import { parseDistFilename } from './names.js';
import { parseProjectPage } from './parse-simple.js';

const HEX_LENGTH = { sha1: 40, sha256: 64, sha512: 128 } as const;

/** The hashes a download can be checked against (core verifies sha1/sha256/sha512). */
function digestsOf(hashes: Record<string, string>): ExpectedDigest[] {
  const out: ExpectedDigest[] = [];
  for (const algorithm of ['sha512', 'sha256', 'sha1'] as const) {
    const hex = hashes[algorithm];
    if (hex !== undefined && hex.length === HEX_LENGTH[algorithm] && /^[0-9a-f]+$/.test(hex)) out.push({ algorithm, hex });
  }
  return out;
}

/**
 * Worker task for `simple/<name>/`: what the page says about each file it lists, keyed by the
 * proxy path (`packages/…`): its hash, upload time and version; and the same for its PEP 658
 * `.metadata` file, checked against the core-metadata hash.
 */
export function inspectSimple({ body, ctx }: { body: Uint8Array; ctx: InspectContext }): Record<string, ArtifactFacts> {
  const project = parseProjectPage(body, ctx.upstreamBase, ctx.path);
  const hosts = upstreamHosts(ctx.upstreamBase, ctx.options);
  const facts: Record<string, ArtifactFacts> = {};
  for (const file of project.files) {
    const path = proxiedPath(new URL(file.url), hosts);
    if (path === undefined) continue;
    const dist = parseDistFilename(file.filename);
    const common: ArtifactFacts = { version: dist ? `${project.name}==${dist.version}` : file.filename };
    if (file.uploadTime !== undefined) common.publishedAt = file.uploadTime;
    facts[path] = { ...common, digests: digestsOf(file.hashes) };
    if (file.coreMetadata !== undefined) {
      facts[`${path}.metadata`] = { ...common, digests: file.coreMetadata === true ? [] : digestsOf(file.coreMetadata) };
    }
  }
  return facts;
}
