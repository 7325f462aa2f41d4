import type {} from 'fastify';
import type { CacheStatus } from '../engine/index.js';

/** What the one log line per request says about an artifact request. */
export interface ArtifactLogFields {
  repo: string;
  path: string;
  cache?: CacheStatus;
  upstreamStatus?: number;
  bytes?: number;
  /** The error code the request was answered with, if any. */
  code?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    aapi: ArtifactLogFields | null;
  }
}
