import type { ArtifactFacts, InspectContext } from '@artifactapi/plugin-sdk';
import { versionFilePath } from './go-paths.js';
import { lookupTarget, parseLookup } from './lookup-record.js';
import { MOD_VERIFIER, ZIP_VERIFIER } from './kinds.js';

/**
 * Inspector task over a checksum database `lookup` answer (worker pool): the `h1:` hashes the
 * version's .zip and .mod must have, keyed by their proxy paths.
 */
export function inspectLookup(input: { body: Uint8Array; ctx: InspectContext }): Record<string, ArtifactFacts> {
  const rest = input.ctx.path.replace(/^sumdb\/[^/]+\//, '');
  const target = lookupTarget(rest);
  if (!target) throw new SyntaxError(`${input.ctx.path} is not a lookup path`);
  const hashes = parseLookup(new TextDecoder().decode(input.body), target.module, target.version);
  const version = `${hashes.module}@${hashes.version}`;
  return {
    [versionFilePath(target.module, target.version, 'zip')]: { version, verify: { verifier: ZIP_VERIFIER, expected: hashes.zip } },
    [versionFilePath(target.module, target.version, 'mod')]: { version, verify: { verifier: MOD_VERIFIER, expected: hashes.mod } },
  };
}
