import { isRecord, publishedAt, type Packument } from './packument.js';

const PRERELEASE = /^\d+\.\d+\.\d+-/;

/**
 * Removes versions published after `cutoff` (ms since epoch) from `versions` and `time`, in
 * place. `latest` moves to the newest remaining version by publish time (a release if there is
 * one, else a prerelease); other tags that named a removed version are deleted. Versions without
 * a `time` entry stay: there is nothing to judge them by.
 */
export function applyQuarantine(doc: Packument, cutoff: number): void {
  // A `versions`, `time` or `dist-tags` that is not an object has nothing to remove or move.
  const versions = isRecord(doc.versions) ? doc.versions : {};
  const removed = new Set<string>();
  for (const version of Object.keys(versions)) {
    const at = publishedAt(doc, version);
    if (at !== undefined && at > cutoff) removed.add(version);
  }
  if (removed.size === 0) return;
  for (const version of removed) {
    delete versions[version];
    if (isRecord(doc.time)) delete doc.time[version];
  }
  const tags = doc['dist-tags'];
  if (!isRecord(tags)) return;
  for (const [tag, version] of Object.entries(tags)) {
    if (removed.has(version)) delete tags[tag];
  }
  if (tags.latest === undefined) {
    const fallback = newest(doc, Object.keys(versions));
    if (fallback !== undefined) tags.latest = fallback;
  }
}

function newest(doc: Packument, candidates: readonly string[]): string | undefined {
  const releases = candidates.filter((v) => !PRERELEASE.test(v));
  const pool = releases.length > 0 ? releases : candidates;
  let best: string | undefined;
  let bestAt = -Infinity;
  for (const version of pool) {
    const at = publishedAt(doc, version) ?? -Infinity;
    if (best === undefined || at > bestAt) {
      best = version;
      bestAt = at;
    }
  }
  return best;
}
