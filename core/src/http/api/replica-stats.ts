import { randomUUID } from 'node:crypto';
import type { PluginLogger } from '@artifactapi/plugin-sdk';
import type { Coordinator } from '../../coord/index.js';
import type { ArtifactTotals, Metrics } from '../metrics.js';

const CHANNEL = 'aapi:stats';
const REPORT_MS = 5_000;
/** A replica not heard of for this long has stopped; its counts leave the sum. */
const FORGET_MS = 30_000;

/**
 * Traffic counters summed over the replicas: each replica sends its own totals on the
 * coordinator every few seconds, and keeps what the others sent. With the in-process
 * coordinator there are no others and nothing is sent.
 */
export class ReplicaStats {
  private readonly id = randomUUID();
  private readonly others = new Map<string, { at: number; totals: Record<string, ArtifactTotals> }>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly metrics: Metrics,
    private readonly coord: Coordinator,
    private readonly log: PluginLogger,
  ) {}

  async start(): Promise<void> {
    if (this.coord.kind === 'memory') return;
    try {
      this.unsubscribe = await this.coord.subscribe(CHANNEL, (message) => this.receive(message));
    } catch (err) {
      this.log.warn({ err }, 'cannot subscribe to other replicas\' counters; /api/v2/stats counts this replica only');
    }
    this.timer = setInterval(() => {
      const message = JSON.stringify({ id: this.id, totals: Object.fromEntries(this.metrics.artifactTotals()) });
      this.coord.publish(CHANNEL, message).catch(() => undefined);
    }, REPORT_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.unsubscribe?.().catch(() => undefined);
  }

  /** This replica's totals now plus every other replica's last report. */
  totals(): Map<string, ArtifactTotals> {
    const sum = this.metrics.artifactTotals();
    const now = Date.now();
    for (const [id, report] of this.others) {
      if (now - report.at > FORGET_MS) {
        this.others.delete(id);
        continue;
      }
      for (const [repo, t] of Object.entries(report.totals)) {
        const into = sum.get(repo) ?? { hits: 0, misses: 0, bytes_served: 0, upstream_errors: 0 };
        into.hits += t.hits;
        into.misses += t.misses;
        into.bytes_served += t.bytes_served;
        into.upstream_errors += t.upstream_errors;
        sum.set(repo, into);
      }
    }
    return sum;
  }

  private receive(message: string): void {
    try {
      const report = JSON.parse(message) as { id: string; totals: Record<string, ArtifactTotals> };
      if (report.id !== this.id) this.others.set(report.id, { at: Date.now(), totals: report.totals });
    } catch {
      // Not ours to understand.
    }
  }
}
