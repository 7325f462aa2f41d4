import type { CacheClass, Classification } from '@artifactapi/plugin-sdk';
import type { RepoConfig } from '../config/types.js';
import { decodedPath } from './path-encoding.js';

/** The operator's path rules of one repository, compiled once. */
export class RepoPolicy {
  private readonly blocklist: RegExp[];
  private readonly allowlist: RegExp[];
  private readonly mutable: RegExp[];
  private readonly immutable: RegExp[];

  constructor(repo: Pick<RepoConfig, 'blocklist' | 'patterns' | 'mutable_patterns' | 'immutable_patterns'>) {
    const compile = (list: string[]): RegExp[] => list.map((source) => new RegExp(source));
    this.blocklist = compile(repo.blocklist);
    this.allowlist = compile(repo.patterns);
    this.mutable = compile(repo.mutable_patterns);
    this.immutable = compile(repo.immutable_patterns);
  }

  /**
   * Applies blocklist, allowlist, mutable and immutable patterns to the plugin's verdict, in that
   * order (DESIGN §4.2). A plugin's `deny` stays denied. `canonical` is the path the upstream URL
   * is built from; the patterns see it fully decoded, so no spelling of a path slips past them.
   */
  apply(canonical: string, verdict: Classification): Classification {
    if (verdict.cache === 'deny') return verdict;
    const path = decodedPath(canonical);
    if (path === undefined) return { cache: 'deny', reason: 'the path does not decode to UTF-8' };
    if (this.blocklist.some((re) => re.test(path))) return { cache: 'deny', reason: 'blocklisted' };
    if (this.allowlist.length > 0 && !this.allowlist.some((re) => re.test(path))) {
      return { cache: 'deny', reason: 'not in the allowlist' };
    }
    let cache: CacheClass = verdict.cache;
    if (this.mutable.some((re) => re.test(path))) cache = 'mutable';
    if (this.immutable.some((re) => re.test(path))) cache = 'immutable';
    return cache === verdict.cache ? verdict : { ...verdict, cache };
  }
}
