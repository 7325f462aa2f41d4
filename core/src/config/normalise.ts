import type { ConfigIssue } from './config-error.js';
import { resolveCoordination, resolveMetadata, resolveStorage } from './env-backends.js';
import type { FileConfig, FileRepo } from './file-config.js';
import { pluginOptions } from './repo-options.js';
import type { AppConfig, RepoConfig, UpstreamConfig, VirtualConfig } from './types.js';
import { splitUserinfo } from './url-userinfo.js';

/** First of the values that is a non-empty string. */
function firstSet(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== '');
}

function stripSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

function normaliseRepo(name: string, repo: FileRepo, written: unknown): RepoConfig {
  // `http://user:pass@host` becomes the repository's credentials (semanticChecks refuses both forms at once).
  const base = repo.type === 'remote' && repo.base_url !== undefined ? splitUserinfo(repo.base_url) : { url: '' };
  const out: RepoConfig = {
    name,
    type: repo.type,
    package: repo.package,
    base_url: stripSlashes(base.url),
    redirect_hosts: [...repo.redirect_hosts],
    patterns: repo.patterns,
    blocklist: repo.blocklist,
    mutable_patterns: repo.mutable_patterns,
    immutable_patterns: repo.immutable_patterns,
    check_mutable_updates: repo.check_mutable_updates,
    cache: { ...repo.cache },
    stale_if_error: repo.stale_if_error,
    quarantine_days: repo.quarantine_days,
    auth: { read: repo.auth?.read ?? 'anonymous' },
    options: pluginOptions(written),
  };
  const username = firstSet(repo.username, base.username);
  const password = firstSet(repo.password, base.password);
  if (username !== undefined) out.username = username;
  if (password !== undefined) out.password = password;
  if (repo.timeouts !== undefined) out.timeouts = { ...repo.timeouts };
  if (repo.max_body_size !== undefined) out.max_body_size = repo.max_body_size;
  return out;
}

function normaliseUpstream(file: FileConfig, env: NodeJS.ProcessEnv): UpstreamConfig {
  const u = file.upstream;
  const out: UpstreamConfig = {
    timeouts: { ...u.timeouts },
    max_body_size: u.max_body_size,
    max_redirects: u.max_redirects,
    breaker: { ...u.breaker },
  };
  const proxy = firstSet(u.proxy, env['HTTPS_PROXY'], env['https_proxy'], env['HTTP_PROXY'], env['http_proxy']);
  const noProxy = firstSet(u.no_proxy, env['NO_PROXY'], env['no_proxy']);
  const caFile = firstSet(u.ca_file);
  if (proxy !== undefined) out.proxy = proxy;
  if (noProxy !== undefined) out.no_proxy = noProxy;
  if (caFile !== undefined) out.ca_file = caFile;
  return out;
}

/**
 * Builds the AppConfig the rest of the core uses from a validated file: names from map keys,
 * backends resolved against the environment, empty optional strings treated as unset.
 * `written` is the file as written (after ${VAR} substitution, before defaults), the source
 * of each repository's `options`.
 */
export function normalise(
  file: FileConfig,
  written: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  dataDir: string,
  issues: ConfigIssue[],
): AppConfig {
  const writtenRemotes = (written['remotes'] ?? {}) as Record<string, unknown>;
  const remotes: Record<string, RepoConfig> = {};
  for (const [name, repo] of Object.entries(file.remotes)) remotes[name] = normaliseRepo(name, repo, writtenRemotes[name]);

  const virtuals: Record<string, VirtualConfig> = {};
  for (const [name, v] of Object.entries(file.virtuals)) virtuals[name] = { name, package: v.package, members: [...v.members], auth: { read: v.auth?.read ?? 'anonymous' } };

  const config: AppConfig = {
    auth: {},
    server: {
      shutdown_timeout: file.server.shutdown_timeout,
      trust_proxy: Array.isArray(file.server.trust_proxy) ? [...file.server.trust_proxy] : file.server.trust_proxy,
    },
    log: { level: file.log.level },
    data_dir: dataDir,
    storage: resolveStorage(file, env, dataDir, issues),
    metadata: resolveMetadata(file, env, dataDir, issues),
    coordination: resolveCoordination(file, env, issues),
    upstream: normaliseUpstream(file, env),
    workers: { size: file.workers.size },
    memory_cache: { ...file.memory_cache },
    remotes,
    virtuals,
  };
  const publicUrl = firstSet(file.public_url);
  if (publicUrl !== undefined) config.public_url = stripSlashes(publicUrl);
  // empty means unset, so `${ADMIN_TOKEN:-}` in a file leaves uploads disabled
  const adminToken = firstSet(file.auth.admin_token, env['ADMIN_TOKEN']);
  if (adminToken !== undefined) config.auth.admin_token = adminToken;
  return config;
}
