import type { PluginLogger } from '@artifactapi/plugin-sdk';
import type { AccessCount, CacheEntry, MetadataStore } from '../metadata/metadata-store.js';

const FLUSH_MS = 5_000;

/**
 * Hits on stored entries, counted in memory and added to the metadata store in one batch every
 * few seconds, so a hit costs a Map update and no write. Keyed by the entry object (the memory
 * tier hands out the same one for every hit on a path), so counting builds no string. Counts not
 * yet flushed are lost with the process; the last access is the time of the flush.
 */
export class AccessCounts {
  #pending = new Map<CacheEntry, number>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly meta: MetadataStore,
    private readonly log: PluginLogger,
  ) {}

  /** Counts one hit on `entry`. */
  hit(entry: CacheEntry): void {
    this.#pending.set(entry, (this.#pending.get(entry) ?? 0) + 1);
  }

  start(): void {
    this.#timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  /** Writes what was counted so far (the object browser calls it first, so its own hits show). */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    const at = Date.now();
    const byKey = new Map<string, AccessCount>();
    for (const [entry, hits] of batch) {
      const key = `${entry.repo}\u0000${entry.path}`;
      const seen = byKey.get(key);
      if (seen) seen.hits += hits;
      else byKey.set(key, { repo: entry.repo, path: entry.path, hits, at });
    }
    try {
      await this.meta.recordAccess([...byKey.values()]);
    } catch (err) {
      this.log.warn({ err }, 'could not record access counts; they are dropped');
    }
  }
}
