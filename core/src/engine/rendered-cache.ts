import { LRUCache } from 'lru-cache';

/** A rewritten index document, ready to send. */
export interface Rendered {
  body: Buffer;
  contentType: string | undefined;
  etag: string;
}

/** What the cache holds, for tests and metrics. */
export interface RenderedCacheStats {
  /** Bytes of finished documents plus the reservations of renders still running. */
  bytes: number;
  /** The most `bytes` has been since the cache was made. */
  peakBytes: number;
  limitBytes: number;
  /** Renders started; a request answered from memory adds none. */
  renders: number;
}

interface Waiter {
  bytes: number;
  start(): void;
}

/**
 * Rewritten documents by key, bounded in bytes together with the renders still running. Keys
 * include the client's public base, which clients choose, so a render reserves about the size of
 * what it will produce before it starts and waits while the reservations would pass the bound:
 * requests for many distinct keys queue instead of each holding its own copy. Finished documents
 * are evicted, least recently used first, to make room. One render per key however many ask.
 */
export class RenderedCache {
  readonly #limit: number;
  readonly #done: LRUCache<string, Rendered>;
  readonly #running = new Map<string, Promise<Rendered>>();
  readonly #queue: Waiter[] = [];
  #reserved = 0;
  #peak = 0;
  #renders = 0;

  constructor(limitBytes: number) {
    this.#limit = limitBytes;
    this.#done = new LRUCache({ maxSize: limitBytes, sizeCalculation: (r) => Math.max(1, r.body.byteLength) });
  }

  /**
   * The document for `key`: from memory, from a render of it already running, or from `render`,
   * run once `estimate` bytes are reserved (capped at the bound, so a huge document still renders,
   * alone, and is not kept).
   */
  obtain(key: string, estimate: number, render: () => Promise<Rendered>): Promise<Rendered> {
    const done = this.#done.get(key);
    if (done) return Promise.resolve(done);
    let pending = this.#running.get(key);
    if (!pending) {
      const bytes = Math.min(Math.max(1, estimate), this.#limit);
      pending = this.#run(key, bytes, render).finally(() => this.#running.delete(key));
      this.#running.set(key, pending);
    }
    return pending;
  }

  /** The finished document for `key`, if in memory (counts as a use). */
  peek(key: string): Rendered | undefined {
    return this.#done.get(key);
  }

  stats(): RenderedCacheStats {
    return { bytes: this.#size(), peakBytes: this.#peak, limitBytes: this.#limit, renders: this.#renders };
  }

  async #run(key: string, bytes: number, render: () => Promise<Rendered>): Promise<Rendered> {
    await this.#reserve(bytes);
    this.#renders++;
    let rendered: Rendered | undefined;
    try {
      rendered = await render();
      return rendered;
    } finally {
      // The reservation turns into the real size in one synchronous step, then waiters get the room left.
      this.#reserved -= bytes;
      if (rendered) this.#done.set(key, rendered);
      this.#fit();
      this.#wake();
    }
  }

  #reserve(bytes: number): Promise<void> {
    if (this.#queue.length === 0 && this.#reserved + bytes <= this.#limit) {
      this.#take(bytes);
      return Promise.resolve();
    }
    return new Promise((start) => this.#queue.push({ bytes, start }));
  }

  /** Starts queued renders in order while they fit beside the running ones. */
  #wake(): void {
    while (this.#queue.length > 0 && this.#reserved + this.#queue[0]!.bytes <= this.#limit) {
      const next = this.#queue.shift()!;
      this.#take(next.bytes);
      next.start();
    }
  }

  #take(bytes: number): void {
    this.#reserved += bytes;
    this.#fit();
  }

  /** Evicts finished documents until they and the reservations fit the bound. */
  #fit(): void {
    while (this.#size() > this.#limit && this.#done.size > 0) this.#done.pop();
    this.#peak = Math.max(this.#peak, this.#size());
  }

  #size(): number {
    return this.#done.calculatedSize + this.#reserved;
  }
}
