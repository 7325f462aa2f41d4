import type { HookContext } from '@artifactapi/plugin-sdk';
import { parseGoPath } from './go-paths.js';
import { infoPathsOf, listedVersions } from './version-list.js';

/** With a quarantine, an `@v/list` needs each listed version's `.info` (their times). */
export function goCompanions(path: string, body: Uint8Array, _ctx: HookContext, rewrite: { quarantineCutoff?: number }): readonly string[] {
  if (rewrite.quarantineCutoff === undefined || parseGoPath(path).kind !== 'list') return [];
  return [...infoPathsOf(path, listedVersions(body)).values()];
}
