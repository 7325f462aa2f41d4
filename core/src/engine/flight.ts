import type { CacheEntry } from '../metadata/metadata-store.js';
import type { GrowingBody } from './growing-body.js';
import type { CacheStatus } from './served.js';

/** How a shared upstream exchange turned out, as far as clients waiting on it are concerned. */
export type FlightOutcome =
  | {
      kind: 'download';
      body: GrowingBody;
      /** Settles when the download is verified and committed. */
      stored: Promise<CacheEntry>;
      upstreamStatus: number;
      contentType: string;
      lastModified: string | undefined;
      /** Known before the bytes are when the plugin names the sha256 to expect. */
      etag: string | undefined;
    }
  | { kind: 'entry'; entry: CacheEntry; cache: CacheStatus; source: 'cache' | 'remote'; upstreamStatus?: number };

/**
 * One upstream exchange for one (repo, path), shared by every request that arrives while it
 * runs. `ready` settles as soon as clients can be answered (headers known, or a cached entry
 * chosen); the download itself may go on after that.
 */
export class Flight {
  readonly ready: Promise<FlightOutcome>;
  resolve!: (outcome: FlightOutcome) => void;
  reject!: (err: unknown) => void;

  /**
   * Takes the flight out of the map new requests join; idempotent. A download calls it before it
   * lets go of its body, so no follower joins a body that is no longer readable.
   */
  readonly leave: () => void;

  constructor(leave: () => void = () => {}) {
    this.leave = leave;
    this.ready = new Promise<FlightOutcome>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Followers attach their own handlers; this one only keeps an unobserved failure from crashing the process.
    this.ready.catch(() => {});
  }
}
