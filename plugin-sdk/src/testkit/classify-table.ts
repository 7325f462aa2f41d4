import type { ArtifactPlugin, CacheClass, HookContext, RepoInfo } from '../types.js';

/** One row of a classification table: a path and what the plugin should say of it. */
export interface ClassifyRow {
  path: string;
  cache: CacheClass;
  index?: string;
}

export interface ClassifyMismatch {
  path: string;
  expected: ClassifyRow;
  actual: { cache: CacheClass; index?: string };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A hook context for tests: a remote repository of the plugin's type on a made-up upstream. */
export function testContext(plugin: Pick<ArtifactPlugin, 'type'>, repo: Partial<RepoInfo> = {}): HookContext {
  return {
    repo: { name: 'test', kind: 'remote', package: plugin.type, baseUrl: 'https://upstream.invalid', options: {}, ...repo },
    log: silent,
  };
}

/** Runs the plugin's classifier over a table and returns every row it disagrees with (empty when all match). */
export function checkClassifications(
  plugin: ArtifactPlugin,
  rows: readonly ClassifyRow[],
  ctx: HookContext = testContext(plugin),
): ClassifyMismatch[] {
  const mismatches: ClassifyMismatch[] = [];
  for (const row of rows) {
    const got = plugin.classify(row.path, ctx);
    if (got.cache !== row.cache || got.index !== row.index) {
      mismatches.push({ path: row.path, expected: row, actual: { cache: got.cache, index: got.index } });
    }
  }
  return mismatches;
}
