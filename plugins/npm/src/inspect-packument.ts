import type { ArtifactFacts, InspectContext } from '@artifactapi/plugin-sdk';
import { distDigests } from './digests.js';
import { tarballFileName, tarballPath } from './names.js';
import { packageName, parsePackument, publishedStamp, versionEntries } from './packument.js';

/**
 * Worker-pool task: the facts a full packument states about each version's tarball, keyed by
 * the tarball's canonical repository path (the same path the rewriter puts in `dist.tarball`):
 * the integrity / shasum digests and the publish time from `time[version]`.
 */
export function inspectPackument(input: { body: Uint8Array; ctx: InspectContext }): Record<string, ArtifactFacts> {
  const doc = parsePackument(input.body);
  const name = packageName(doc, input.ctx.path);
  const facts: Record<string, ArtifactFacts> = {};
  for (const [version, manifest] of versionEntries(doc)) {
    const path = tarballPath(name, tarballFileName(name, version, manifest.dist?.tarball));
    const fact: ArtifactFacts = { version: `${name}@${version}`, digests: distDigests(manifest.dist) };
    const published = publishedStamp(doc, version);
    if (published !== undefined) fact.publishedAt = published;
    facts[path] = fact;
  }
  return facts;
}
