import type { ArtifactFacts, InspectContext } from '@artifactapi/plugin-sdk';
import { readApkIndex, type ApkRecord } from './apk-index.js';
import { CONTROL_VERIFIER } from './classify.js';

const DIGITS = /^\d+$/;

/**
 * Inspector task for `apkindex` (runs in the worker pool): for every package the index lists, at
 * `{dir}/{P}-{V}.apk`, its size (`S:`), its `C:` for the control-member verifier, and its build
 * time (`t:`, unix seconds) for quarantine. A record without `C:` still names the verifier, which
 * then refuses the package: nothing unverifiable is stored.
 */
export async function inspectApkIndex(input: { body: Uint8Array; ctx: InspectContext }): Promise<Record<string, ArtifactFacts>> {
  const { body, ctx } = input;
  const dir = ctx.path.slice(0, ctx.path.lastIndexOf('/') + 1);
  const facts: Record<string, ArtifactFacts> = {};
  for (const record of await readApkIndex(body)) {
    const name = record.P;
    const version = record.V;
    // A slash or backslash (a slash to URL parsers) would put the file outside this folder.
    if (!name || !version || /[/\\]/.test(name + version)) continue;
    facts[`${dir}${name}-${version}.apk`] = factsOf(record, `${name}-${version}`);
  }
  return facts;
}

function factsOf(record: ApkRecord, version: string): ArtifactFacts {
  const facts: ArtifactFacts = { version, verify: { verifier: CONTROL_VERIFIER, expected: record.C ?? '' } };
  if (record.S !== undefined && DIGITS.test(record.S)) facts.size = Number(record.S);
  if (record.t !== undefined && DIGITS.test(record.t)) facts.publishedAt = Number(record.t) * 1000;
  return facts;
}
