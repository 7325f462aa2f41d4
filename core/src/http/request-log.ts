import type { FastifyBaseLogger } from 'fastify';
import type { Metrics } from './metrics.js';
import type { ArtifactLogFields } from './request-context.js';

/** Levels at which the per-request line is written; checked first so a quiet server builds no log object. */
const VERBOSE_LEVELS = new Set(['info', 'debug', 'trace']);

/** The parts of the one line per request that every request has. */
export interface RequestLine {
  method: string;
  /** The raw URL; its query string is not logged (it may carry tokens). */
  url: string;
  status: number;
  ms: number;
  /** Set when the logger does not already carry the request id. */
  reqId?: string;
}

/** Counts an artifact request in the metrics and writes the request's log line. */
export function recordRequest(metrics: Metrics, log: FastifyBaseLogger, line: RequestLine, artifact: ArtifactLogFields | null): void {
  if (artifact) metrics.countArtifact(artifact.repo, artifact.cache ?? 'NONE', line.status, artifact.bytes);
  if (!VERBOSE_LEVELS.has(log.level)) return;
  const query = line.url.indexOf('?');
  const url = query < 0 ? line.url : line.url.slice(0, query);
  log.info({ ...line, url, ms: Math.round(line.ms * 10) / 10, ...artifact }, 'request');
}
