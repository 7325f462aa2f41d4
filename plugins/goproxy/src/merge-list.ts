import type { MergeInput, RewriteResult } from '@artifactapi/plugin-sdk';
import { compareVersions } from './semver.js';

/**
 * Merger task for `@v/list` (worker pool): every version any member lists, once each, in semver
 * order. go picks the highest itself; a stable order keeps the merged document's bytes stable.
 */
export function mergeVersionLists(input: MergeInput): RewriteResult {
  const versions = new Set<string>();
  const decoder = new TextDecoder();
  for (const doc of input.documents) {
    for (const line of decoder.decode(doc.body).split('\n')) {
      const version = line.trim();
      if (version !== '') versions.add(version);
    }
  }
  const sorted = [...versions].sort(compareVersions);
  return { body: new TextEncoder().encode(sorted.map((v) => `${v}\n`).join('')), contentType: 'text/plain; charset=utf-8' };
}
