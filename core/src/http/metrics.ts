import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { DiskTierStats } from '../storage/disk-tier.js';

/** The requests of one repository, cache result and status, and the body bytes its repository sent. */
export interface ArtifactCount {
  readonly labels: { repo: string; cache: string; status: number };
  requests: number;
  /** Shared by every count of the repository. */
  readonly repoBytes: { sent: number };
}

/** What `/api/v2/stats` counts per repository from the artifact requests. */
export interface ArtifactTotals {
  hits: number;
  misses: number;
  bytes_served: number;
  upstream_errors: number;
}

/**
 * The Prometheus metrics the server exports on /metrics. Artifact requests are counted in plain
 * numbers and handed to prom-client when scraped: its own `inc()` hashes and validates the labels
 * on every call, which showed up as a sixth of a hot hit's cost.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #requests = new Map<string, ArtifactCount>();
  readonly #bytes = new Map<string, { sent: number }>();

  /** `diskTier` reads the S3 disk tier's counters when this replica has one. */
  constructor(options: { diskTier?: () => DiskTierStats } = {}) {
    collectDefaultMetrics({ register: this.registry, prefix: 'artifactapi_' });
    if (options.diskTier) registerDiskTier(this.registry, options.diskTier);
    const requests = this.#requests;
    const bytes = this.#bytes;
    new Counter({
      name: 'artifactapi_artifact_requests_total',
      help: 'Artifact requests by repository, cache result and response status',
      labelNames: ['repo', 'cache', 'status'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const count of requests.values()) this.inc(count.labels, count.requests);
      },
    });
    new Counter({
      name: 'artifactapi_artifact_bytes_total',
      help: 'Artifact body bytes sent to clients',
      labelNames: ['repo'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [repo, total] of bytes) this.inc({ repo }, total.sent);
      },
    });
  }

  /**
   * Per repository since the process started: requests served from the cache (HIT, REVALIDATED,
   * STALE), fetched upstream (MISS), body bytes sent, and upstream failures (a 502/503/504 answer,
   * or a stale copy served because the upstream failed).
   */
  artifactTotals(): Map<string, ArtifactTotals> {
    const totals = new Map<string, ArtifactTotals>();
    const of = (repo: string) => {
      let t = totals.get(repo);
      if (!t) totals.set(repo, (t = { hits: 0, misses: 0, bytes_served: 0, upstream_errors: 0 }));
      return t;
    };
    for (const { labels, requests } of this.#requests.values()) {
      const t = of(labels.repo);
      if (labels.cache === 'MISS') t.misses += requests;
      else if (labels.cache === 'HIT' || labels.cache === 'REVALIDATED' || labels.cache === 'STALE') t.hits += requests;
      if (labels.cache === 'STALE' || labels.status === 502 || labels.status === 503 || labels.status === 504) t.upstream_errors += requests;
    }
    for (const [repo, bytes] of this.#bytes) of(repo).bytes_served += bytes.sent;
    return totals;
  }

  /** Counts one artifact request and the body bytes it sent. */
  countArtifact(repo: string, cache: string, status: number, sent: number | undefined): void {
    countInto(this.artifactCount(repo, cache, status), sent);
  }

  /**
   * The count of one repository, cache result and status, to be added to with {@link countInto}
   * by a caller that counts the same kind of request again and again (the hot path keeps it per
   * URL). It stays registered for the life of the process.
   */
  artifactCount(repo: string, cache: string, status: number): ArtifactCount {
    const key = `${repo}\u0000${cache}\u0000${status}`;
    let count = this.#requests.get(key);
    if (!count) {
      let repoBytes = this.#bytes.get(repo);
      if (!repoBytes) this.#bytes.set(repo, (repoBytes = { sent: 0 }));
      this.#requests.set(key, (count = { labels: { repo, cache, status }, requests: 0, repoBytes }));
    }
    return count;
  }
}

/** Counts one request into `count` ({@link Metrics.artifactCount}), with the body bytes it sent. */
export function countInto(count: ArtifactCount, sent: number | undefined): void {
  count.requests++;
  if (sent) count.repoBytes.sent += sent;
}

const DISK_TIER_COUNTERS: Array<[keyof DiskTierStats, string]> = [
  ['hits', 'Blob reads served from the local disk tier'],
  ['misses', 'Blob reads the disk tier could not serve, which went to S3'],
  ['fills', 'Blob copies stored in the disk tier'],
  ['fill_failures', 'Disk tier copies given up (write error such as ENOSPC, too large, digest mismatch)'],
  ['corrupt', 'Disk tier copies found damaged on read and deleted'],
  ['evictions', 'Disk tier copies removed to stay under max_bytes'],
];

const DISK_TIER_GAUGES: Array<[keyof DiskTierStats, string]> = [
  ['bytes', 'Bytes of blob copies in the disk tier'],
  ['entries', 'Blob copies in the disk tier'],
  ['max_bytes', 'Size bound of the disk tier'],
];

/** `artifactapi_disk_cache_*`, read from the tier when scraped. */
function registerDiskTier(registry: Registry, stats: () => DiskTierStats): void {
  for (const [key, help] of DISK_TIER_COUNTERS) {
    new Counter({
      name: `artifactapi_disk_cache_${key}_total`,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(stats()[key]);
      },
    });
  }
  for (const [key, help] of DISK_TIER_GAUGES) {
    new Gauge({
      name: `artifactapi_disk_cache_${key}`,
      help,
      registers: [registry],
      collect() {
        this.set(stats()[key]);
      },
    });
  }
}
