import type { ArtifactFacts, InspectContext } from '@artifactapi/plugin-sdk';
import { decodeCase } from './case-encoding.js';
import { parseGoPath, versionFilePath } from './go-paths.js';
import { parseVersionInfo } from './version-info.js';

/**
 * Inspector task over a version's `.info` (worker pool): its `Time` is the publish time of the
 * version's .mod and .zip, for quarantine. It is the commit time, which an author can backdate
 * (PROTOCOLS §6): the only time the protocol gives.
 */
export function inspectInfo(input: { body: Uint8Array; ctx: InspectContext }): Record<string, ArtifactFacts> {
  const p = parseGoPath(input.ctx.path);
  if (p.kind !== 'info') throw new SyntaxError(`${input.ctx.path} is not a version's .info`);
  const info = parseVersionInfo(input.body, input.ctx.path);
  const facts: ArtifactFacts = { version: `${decodeCase(p.module) ?? p.module}@${decodeCase(p.version) ?? p.version}` };
  if (info.Time !== undefined) facts.publishedAt = info.Time;
  return {
    [versionFilePath(p.module, p.version, 'mod')]: facts,
    [versionFilePath(p.module, p.version, 'zip')]: facts,
  };
}
