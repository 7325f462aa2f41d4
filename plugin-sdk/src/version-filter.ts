/** Why a version was left out of a list. */
export type VersionVerdict = 'allowed' | 'quarantined' | 'denied';

/** What the filter knows about one version. */
export interface VersionFacts {
  version: string;
  /** ms since epoch, or an ISO-8601 string; absent when the protocol gives no publish time. */
  publishedAt?: number | string;
}

export interface VersionFilterOptions {
  /** Versions published after this instant (ms since epoch) are quarantined (RewriteContext.quarantineCutoff). */
  quarantineCutoff?: number;
  /**
   * With a quarantine, what happens to a version whose publish time is unknown: kept (`true`, the
   * default, matching an index that gives no times at all) or left out.
   */
  keepUndated?: boolean;
  /** A firewall decision: false leaves the version out as denied. */
  allow?: (version: string) => boolean;
}

/** The verdict on one version: quarantine first, then the firewall. */
export function versionVerdict(facts: VersionFacts, options: VersionFilterOptions): VersionVerdict {
  const { quarantineCutoff, keepUndated = true, allow } = options;
  if (quarantineCutoff !== undefined) {
    const published = facts.publishedAt === undefined ? undefined : new Date(facts.publishedAt).getTime();
    if (published === undefined || Number.isNaN(published)) {
      if (!keepUndated) return 'quarantined';
    } else if (published > quarantineCutoff) return 'quarantined';
  }
  if (allow && !allow(facts.version)) return 'denied';
  return 'allowed';
}

/**
 * Keeps the versions a client may see, in their order, and says which were left out: the shared
 * part of every plugin's quarantine and firewall filtering of version lists (packument `versions`,
 * simple-page files, helm entries, docker tags…).
 */
export function filterVersions<T extends VersionFacts>(versions: readonly T[], options: VersionFilterOptions): { kept: T[]; left: { version: string; verdict: VersionVerdict }[] } {
  const kept: T[] = [];
  const left: { version: string; verdict: VersionVerdict }[] = [];
  for (const v of versions) {
    const verdict = versionVerdict(v, options);
    if (verdict === 'allowed') kept.push(v);
    else left.push({ version: v.version, verdict });
  }
  return { kept, left };
}
