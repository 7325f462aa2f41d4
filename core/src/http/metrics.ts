import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics the server exports on /metrics. */
export class Metrics {
  readonly registry = new Registry();
  readonly requests: Counter<'repo' | 'cache' | 'status'>;
  readonly bytes: Counter<'repo'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'artifactapi_' });
    this.requests = new Counter({
      name: 'artifactapi_artifact_requests_total',
      help: 'Artifact requests by repository, cache result and response status',
      labelNames: ['repo', 'cache', 'status'],
      registers: [this.registry],
    });
    this.bytes = new Counter({
      name: 'artifactapi_artifact_bytes_total',
      help: 'Artifact body bytes sent to clients',
      labelNames: ['repo'],
      registers: [this.registry],
    });
  }
}
