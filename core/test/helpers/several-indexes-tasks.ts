import type { ArtifactFacts, InspectContext, RewriteContext, RewriteResult } from '@artifactapi/plugin-sdk';

// Worker-pool tasks of the test plugin in engine-several-indexes.test.ts.

const text = (body: Uint8Array) => new TextDecoder().decode(body);
const artifactOf = (indexPath: string) => `files/${indexPath.split('/')[1]}`;

/** `sums/<name>` holds the sha256 hex of `files/<name>`. */
export function inspectSums(input: { body: Uint8Array; ctx: InspectContext }): Record<string, ArtifactFacts> {
  return { [artifactOf(input.ctx.path)]: { digests: [{ algorithm: 'sha256', hex: text(input.body).trim() }] } };
}

/** `times/<name>` holds the ISO publish time of `files/<name>`. */
export function inspectTimes(input: { body: Uint8Array; ctx: InspectContext }): Record<string, ArtifactFacts> {
  return { [artifactOf(input.ctx.path)]: { publishedAt: text(input.body).trim(), version: input.ctx.path } };
}

/** Keeps the names of a list whose `times/<name>` companion could be had. */
export function keepTimed(input: { body: Uint8Array; ctx: RewriteContext }): RewriteResult {
  const kept = text(input.body)
    .split('\n')
    .filter((name) => name !== '' && input.ctx.companions?.[`times/${name}`]);
  return { body: new TextEncoder().encode(kept.join('\n')) };
}
