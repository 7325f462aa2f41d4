import type { EngineEvent } from '../../engine/event-bus.js';

/**
 * The management API v2 shapes the TUI reads (DESIGN §8, /api/v2). Only the fields it shows are
 * required; everything else a server sends is ignored, so a newer server still works.
 */

export interface Counters {
  objects: number;
  bytes: number;
  hits: number;
  misses: number;
  bytes_served: number;
  upstream_errors: number;
}

export interface Stats {
  total: Counters;
  repositories: Record<string, Counters>;
  blobs: { count: number; bytes: number };
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BackendHealth {
  ok: boolean;
  kind: string;
}

export interface Health {
  status: 'ok' | 'degraded';
  backends: Record<string, BackendHealth>;
  upstreams: Record<string, { state: BreakerState }>;
}

export interface Remote {
  name: string;
  type: string;
  package: string;
  base_url?: string;
  source: 'config' | 'api';
}

export interface CachedObject {
  path: string;
  size: number;
  digest?: string;
  content_type?: string;
  cached_at: string | null;
  last_access: string | null;
  hits: number;
  expires_at: string | null;
  mutable?: boolean;
}

export interface ObjectPage {
  objects: CachedObject[];
  next_cursor: string | null;
}

/**
 * One `data:` payload of GET /api/v2/events: the engine's event, with `type` widened to any
 * string, since a newer server may send kinds this client does not know yet.
 */
export type ServerEvent = Omit<EngineEvent, 'type'> & { type: string };
