import type { CacheTtls, RepoAuth, UpstreamTimeouts } from './types.js';

/**
 * The configuration file after schema validation with defaults applied: keys as users write
 * them (`type:` for backends), before normalisation into AppConfig.
 */
export interface FileConfig {
  public_url?: string;
  auth: { admin_token?: string };
  server: { shutdown_timeout: number; trust_proxy: boolean | string[] };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  storage?: FileStorage;
  metadata?: { type: 'sqlite' | 'postgres'; path?: string; url?: string };
  coordination?: { type: 'memory' | 'redis'; url?: string; key_prefix?: string };
  upstream: {
    proxy?: string;
    no_proxy?: string;
    ca_file?: string;
    timeouts: UpstreamTimeouts;
    max_body_size: number;
    max_redirects: number;
    breaker: { failures: number; cooldown: number };
  };
  workers: { size: number };
  memory_cache: { max_bytes: number; max_object_bytes: number; max_entries: number };
  remotes: Record<string, FileRepo>;
  virtuals: Record<string, { package: string; members: string[]; auth?: Partial<RepoAuth> }>;
}

export interface FileStorage {
  type: 'fs' | 's3';
  redirect?: boolean;
  redirect_ttl?: number;
  path?: string;
  bucket?: string;
  endpoint?: string;
  region?: string;
  access_key_id?: string;
  secret_access_key?: string;
  force_path_style?: boolean;
  prefix?: string;
  disk_cache?: { path?: string; max_bytes?: number };
}

export interface FileRepo {
  type: 'remote' | 'local';
  package: string;
  base_url?: string;
  redirect_hosts: string[];
  patterns: string[];
  blocklist: string[];
  mutable_patterns: string[];
  immutable_patterns: string[];
  check_mutable_updates: boolean;
  cache: CacheTtls;
  stale_if_error: 'any' | 'network';
  quarantine_days: number;
  auth?: Partial<RepoAuth>;
  username?: string;
  password?: string;
  timeouts?: Partial<UpstreamTimeouts>;
  max_body_size?: number;
  [pluginKey: string]: unknown;
}
