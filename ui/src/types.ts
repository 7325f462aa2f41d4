/** The management API's shapes (/api/v2, see the API contract); only what the UI reads. */

export type Source = 'config' | 'api';

/** A remote or local repository: its config block plus `name` and `source`. */
export interface Remote {
  name: string;
  source: Source;
  type?: 'remote' | 'local';
  package: string;
  base_url?: string;
  patterns?: string[];
  blocklist?: string[];
  quarantine_days?: number;
  username?: string;
  password?: string;
  /** Plugin options (files_url, …) and the rest of the config block. */
  [key: string]: unknown;
}

export interface Virtual {
  name: string;
  package: string;
  members: string[];
  source: Source;
  merge_remote_versions?: boolean;
}

export interface CachedObject {
  path: string;
  size: number;
  digest: string;
  content_type: string | null;
  cached_at: string | null;
  last_access: string | null;
  hits: number;
  expires_at: string | null;
  mutable: boolean;
}

export interface ObjectPage {
  objects: CachedObject[];
  next_cursor: string | null;
}

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

export interface Health {
  status: 'ok' | 'degraded' | string;
  backends: Record<string, { ok: boolean; kind: string }>;
  upstreams: Record<string, { state: BreakerState }>;
}

/** One server-sent event's data. */
export interface LiveEvent {
  type: string;
  time: string;
  repo?: string;
  path?: string;
  status?: number;
  bytes?: number;
  action?: string;
  message?: string;
  job?: { id: string; done: number; total: number; failed: number };
  /** The replica it happened on, when another one. */
  replica?: string;
}

/** `GET /`: the public URL of each repository as the server computes it (public_url, proxies). */
export interface ServerInfo {
  name: string;
  version: string;
  repositories: { name: string; url: string }[];
  virtuals: { name: string; url: string }[];
}

/** The error body of every endpoint. */
export interface ErrorBody {
  error: { code: string; message: string; path?: string; details?: { path: string; message: string }[] };
}
