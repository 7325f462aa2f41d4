import type { Classification, PluginLogger } from '@artifactapi/plugin-sdk';
import type { HeldLock } from '../coord/coordinator.js';
import type { CacheEntry } from '../metadata/metadata-store.js';
import type { EntryStore } from './entry-store.js';
import type { FetchLock } from './fetch-lock.js';
import { Flight, type FlightOutcome } from './flight.js';
import { HotCache } from './hot-cache.js';
import { upstreamMissing } from './upstream-exchange.js';
import type { RepoRuntime } from './repo-runtime.js';

const MAX_LOCK_WAITS = 3;

/** What a flight asks the upstream side to do once it holds the key. */
export type Exchange = (flight: Flight, repo: RepoRuntime, path: string, verdict: Classification, stale: CacheEntry | undefined) => Promise<void>;

/**
 * One upstream exchange per (repo, path): requests in this process join the flight in progress,
 * other replicas wait on the coordinator's lock and then read what the leader stored.
 */
export class SingleFlight {
  private readonly flights = new Map<string, Flight>();

  constructor(
    private readonly entries: EntryStore,
    private readonly lock: FetchLock,
    private readonly exchange: Exchange,
    private readonly log: PluginLogger,
  ) {}

  /** Joins the flight for (repo, path), starting it if there is none. `stale` is the expired entry, if any. */
  join(repo: RepoRuntime, path: string, verdict: Classification, stale: CacheEntry | undefined): Promise<FlightOutcome> {
    const key = HotCache.key(repo.name, verdict.cacheKey ?? path);
    let flight = this.flights.get(key);
    if (!flight) {
      const started = new Flight(() => {
        if (this.flights.get(key) === started) this.flights.delete(key);
      });
      flight = started;
      this.flights.set(key, started);
      this.fly(started, repo, path, key, verdict, stale)
        .catch((err: unknown) => started.reject(err))
        .finally(() => started.leave());
    }
    return flight.ready;
  }

  private async fly(flight: Flight, repo: RepoRuntime, path: string, key: string, verdict: Classification, stale: CacheEntry | undefined): Promise<void> {
    // Bytes several repositories share by digest take one lock, so only one of them fetches; the
    // others wait (in this process too) and then reuse what it stored.
    const digest = sharedDigest(verdict, stale);
    const lockKey = digest === undefined ? key : `digest:${digest}`;
    // The remembered-404 check and the first lock attempt go to the coordinator together: with
    // Redis, one round trip less in front of a cold miss's first byte.
    const firstTry = this.lock.tryLock(lockKey);
    const missing = stale ? undefined : await this.lock.missingStatus(key);
    if (missing !== undefined) {
      const got = await firstTry;
      if (typeof got === 'object') await got.release().catch((err: unknown) => this.log.warn({ err, key }, 'releasing a fetch lock failed'));
      throw upstreamMissing(missing, `${repo.name}/${path}`);
    }
    let held: HeldLock | undefined;
    for (let attempt = 0; ; attempt++) {
      const got = attempt === 0 ? await firstTry : await this.lock.tryLock(lockKey);
      if (got === 'unavailable') break;
      if (got !== 'busy') {
        held = got;
        break;
      }
      // Another replica (or repository) is fetching: wait for it, then serve what it stored.
      if (!(await this.lock.waitForOtherReplica(lockKey))) break;
      const fresh = await this.entries.reread(repo.name, verdict.cacheKey ?? path);
      if (fresh && fresh.storedAt > (stale?.storedAt ?? 0)) {
        return flight.resolve({ kind: 'entry', entry: fresh, cache: 'HIT', source: 'cache' });
      }
      if (attempt >= MAX_LOCK_WAITS) break;
    }
    try {
      await this.exchange(flight, repo, path, verdict, stale);
    } finally {
      await held?.release().catch((err: unknown) => this.log.warn({ err, key }, 'releasing a fetch lock failed'));
    }
  }
}

/** The digest a first fetch shares with other repositories (`sharedByDigest`, named by sha256). */
function sharedDigest(verdict: Classification, stale: CacheEntry | undefined): string | undefined {
  const expected = verdict.expectedDigest;
  if (stale || !verdict.sharedByDigest || expected?.algorithm !== 'sha256') return undefined;
  return `sha256:${expected.hex.toLowerCase()}`;
}
