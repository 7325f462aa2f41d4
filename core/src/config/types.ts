/** Configuration after YAML parsing, ${ENV} interpolation, schema validation and defaults. */

export interface CacheTtls {
  /** Seconds an immutable entry is kept; 0 = forever. */
  immutable_ttl: number;
  /** Seconds before a mutable entry is revalidated. */
  mutable_ttl: number;
  /** Seconds an upstream 404 is remembered before asking again. */
  negative_ttl: number;
}

export interface UpstreamTimeouts {
  /** Seconds to establish the TCP/TLS connection. */
  connect: number;
  /** Seconds until the response headers arrive. */
  headers: number;
  /** Seconds the body may stay silent. */
  idle: number;
  /** Seconds a whole download may take, headers to last byte; 0 or absent = no limit. */
  total?: number;
}

/** Who may read a repository: anyone, or only requests with a token allowed to read it. */
export interface RepoAuth {
  read: 'anonymous' | 'token';
}

export interface RepoConfig {
  /** The key under `remotes:`. */
  name: string;
  type: 'remote' | 'local';
  package: string;
  /** Upstream base URL without trailing slash; empty for local repositories. */
  base_url: string;
  /** Hosts (`host` or `host:port`) a redirect may reach at a non-public address, besides base_url's and files_url's. */
  redirect_hosts: string[];
  patterns: string[];
  blocklist: string[];
  mutable_patterns: string[];
  immutable_patterns: string[];
  check_mutable_updates: boolean;
  cache: CacheTtls;
  /** `any`: serve stale on network errors, timeouts, 429 and 5xx. `network`: only when unreachable. */
  stale_if_error: 'any' | 'network';
  quarantine_days: number;
  auth: RepoAuth;
  username?: string;
  password?: string;
  timeouts?: Partial<UpstreamTimeouts>;
  /** Largest upstream body accepted, in bytes; overrides `upstream.max_body_size`. */
  max_body_size?: number;
  /** The block's plugin-specific keys as written (`files_url`, third-party keys); not the core's keys above. */
  options: Record<string, unknown>;
}

export interface VirtualConfig {
  name: string;
  package: string;
  members: string[];
  auth: RepoAuth;
}

export type StorageConfig =
  | { kind: 'fs'; path: string }
  | {
      kind: 's3';
      bucket: string;
      endpoint?: string;
      region: string;
      access_key_id?: string;
      secret_access_key?: string;
      force_path_style: boolean;
      prefix: string;
      /** Seconds a presigned URL of a redirected blob GET stays valid; 0 = blobs are never redirected. */
      redirect_seconds?: number;
      /** This replica's local disk tier in front of the bucket; absent = off (`max_bytes: 0`). */
      disk_cache?: DiskCacheConfig;
    };

export interface DiskCacheConfig {
  /** Absolute directory of the copies. */
  path: string;
  /** Bytes of copies kept, least recently used out first; always > 0. */
  max_bytes: number;
}

export type MetadataConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export type CoordinationConfig =
  | { kind: 'memory' }
  | {
      kind: 'redis';
      url: string;
      /** Prepended to every Redis key and channel; the coordinator's default (`aapi:`) when unset. */
      key_prefix?: string;
    };

export interface UpstreamConfig {
  /** Outbound proxy for upstream requests; HTTPS_PROXY / HTTP_PROXY when unset. */
  proxy?: string;
  /** Comma-separated hosts that bypass the proxy; NO_PROXY when unset. */
  no_proxy?: string;
  /** PEM file with extra CA certificates trusted for upstream TLS. */
  ca_file?: string;
  timeouts: UpstreamTimeouts;
  /** Largest upstream body accepted, in bytes; 0 or absent = no limit. */
  max_body_size?: number;
  max_redirects: number;
  breaker: {
    /** Consecutive failures that open the breaker. */
    failures: number;
    /** Seconds the breaker stays open before one trial request. */
    cooldown: number;
  };
}

export interface AppConfig {
  public_url?: string;
  auth: { admin_token?: string };
  server: {
    /** Seconds in-flight transfers get to finish after SIGTERM. */
    shutdown_timeout: number;
    /**
     * Peers whose X-Forwarded-Host / X-Forwarded-Proto are believed: none, any, or these proxy
     * addresses (IPs, CIDRs, or proxy-addr's `loopback` / `linklocal` / `uniquelocal`).
     */
    trust_proxy: boolean | string[];
  };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  /** Directory for the embedded backends and temporary files. */
  data_dir: string;
  storage: StorageConfig;
  metadata: MetadataConfig;
  coordination: CoordinationConfig;
  upstream: UpstreamConfig;
  workers: {
    /** Worker threads in the pool; 0 = number of cores. */
    size: number;
  };
  memory_cache: {
    /** Bytes of small blobs kept in memory for hot hits. */
    max_bytes: number;
    /** Largest blob kept in memory. */
    max_object_bytes: number;
    /** Path entries kept in memory. */
    max_entries: number;
  };
  remotes: Record<string, RepoConfig>;
  virtuals: Record<string, VirtualConfig>;
}
