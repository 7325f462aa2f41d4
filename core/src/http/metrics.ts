import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

interface ArtifactCount {
  labels: { repo: string; cache: string; status: number };
  requests: number;
}

/**
 * The Prometheus metrics the server exports on /metrics. Artifact requests are counted in plain
 * numbers and handed to prom-client when scraped: its own `inc()` hashes and validates the labels
 * on every call, which showed up as a sixth of a hot hit's cost.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #requests = new Map<string, ArtifactCount>();
  readonly #bytes = new Map<string, number>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'artifactapi_' });
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
        for (const [repo, total] of bytes) this.inc({ repo }, total);
      },
    });
  }

  /** Counts one artifact request and the body bytes it sent. */
  countArtifact(repo: string, cache: string, status: number, sent: number | undefined): void {
    const key = `${repo}\u0000${cache}\u0000${status}`;
    const count = this.#requests.get(key);
    if (count) count.requests++;
    else this.#requests.set(key, { labels: { repo, cache, status }, requests: 1 });
    if (sent) this.#bytes.set(repo, (this.#bytes.get(repo) ?? 0) + sent);
  }
}
