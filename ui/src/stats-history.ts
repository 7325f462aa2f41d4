import type { Api } from './api.js';
import type { Stats } from './types.js';

/** One sample of the request counters; the chart plots the difference between neighbours. */
export interface Sample {
  at: number;
  requests: number;
  bytesServed: number;
}

export interface Point {
  at: number;
  value: number;
}

const INTERVAL_MS = 5_000;
const KEEP = 120; // ten minutes at one sample per 5 s
const STORAGE_KEY = 'artifactapi.samples';

/**
 * Requests over time: the API gives counters since process start, so the tab samples them every
 * 5 s while logged in and keeps the last ten minutes in sessionStorage (a reload keeps the chart).
 */
export class StatsHistory {
  samples: Sample[] = restore();
  latest: Stats | undefined;
  error: Error | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #listeners = new Set<() => void>();

  constructor(private readonly api: Api) {}

  start(): void {
    if (this.#timer) return;
    void this.sample();
    this.#timer = setInterval(() => void this.sample(), INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async sample(): Promise<void> {
    try {
      const stats = await this.api.stats();
      this.latest = stats;
      this.error = undefined;
      const sample = { at: Date.now(), requests: stats.total.hits + stats.total.misses, bytesServed: stats.total.bytes_served };
      // A restarted server starts its counters again: the old samples no longer compare.
      const last = this.samples.at(-1);
      if (last && sample.requests < last.requests) this.samples = [];
      this.samples = [...this.samples, sample].slice(-KEEP);
      persist(this.samples);
    } catch (err) {
      this.error = err instanceof Error ? err : new Error(String(err));
    }
    for (const listener of this.#listeners) listener();
  }

  /** Requests per sampling interval, one point per sample after the first. */
  requestRate(): Point[] {
    return this.samples.slice(1).map((s, i) => ({ at: s.at, value: Math.max(0, s.requests - this.samples[i]!.requests) }));
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

function restore(): Sample[] {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '[]') as Sample[];
    return Array.isArray(parsed) ? parsed.filter((s) => Date.now() - s.at < KEEP * INTERVAL_MS) : [];
  } catch {
    return [];
  }
}

function persist(samples: Sample[]): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(samples));
  } catch {
    // storage full or disabled: the chart lives in memory only
  }
}
