import { isSecretKey } from '../../config/index.js';
import type { RepoConfig, VirtualConfig } from '../../config/types.js';
import type { BrowsedEntry } from '../../metadata/index.js';

/** What a credential reads as in every API answer (api-contract.md). */
export const HIDDEN = '********';

type Source = 'config' | 'api';

/** A repository as its config block (defaults filled in), credentials hidden, with its name and source. */
export function presentRemote(config: RepoConfig, source: Source): Record<string, unknown> {
  const block: Record<string, unknown> = { name: config.name, type: config.type, package: config.package };
  if (config.type === 'remote') block['base_url'] = config.base_url;
  Object.assign(block, {
    redirect_hosts: config.redirect_hosts,
    patterns: config.patterns,
    blocklist: config.blocklist,
    mutable_patterns: config.mutable_patterns,
    immutable_patterns: config.immutable_patterns,
    check_mutable_updates: config.check_mutable_updates,
    cache: config.cache,
    stale_if_error: config.stale_if_error,
    quarantine_days: config.quarantine_days,
    auth: config.auth,
  });
  if (config.username !== undefined) block['username'] = config.username;
  if (config.password !== undefined) block['password'] = HIDDEN;
  if (config.timeouts !== undefined) block['timeouts'] = config.timeouts;
  if (config.max_body_size !== undefined) block['max_body_size'] = config.max_body_size;
  for (const [key, value] of Object.entries(config.options)) block[key] = hideSecrets(key, value);
  block['source'] = source;
  return block;
}

export function presentVirtual(virtual: VirtualConfig, source: Source): Record<string, unknown> {
  return { name: virtual.name, package: virtual.package, members: virtual.members, auth: virtual.auth, source };
}

/**
 * A PUT body as a definition to store: the name and source dropped (the URL's and ours), and a credential sent
 * back as {@link HIDDEN} (a form that shows what GET gave) kept from the stored definition.
 */
export function definitionFromBody(body: Record<string, unknown>, stored?: Record<string, unknown>): Record<string, unknown> {
  // `source` is what GET adds; a client may send back what it read.
  const { name: _name, source: _source, ...definition } = body;
  if (stored) for (const [key, value] of Object.entries(definition)) if (value === HIDDEN && key in stored) definition[key] = stored[key];
  return definition;
}

export function presentObject(e: BrowsedEntry): Record<string, unknown> {
  return {
    path: e.path,
    size: e.size,
    digest: `sha256:${e.digest}`,
    content_type: e.contentType,
    cached_at: iso(e.storedAt),
    last_access: iso(e.lastAccess),
    hits: e.hits,
    expires_at: iso(e.expiresAt),
    mutable: e.mutable,
  };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function hideSecrets(key: string, value: unknown): unknown {
  if (isSecretKey(key) && value !== null && value !== '' && value !== undefined) return HIDDEN;
  if (Array.isArray(value)) return value.map((v) => hideSecrets('', v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, hideSecrets(k, v)]));
  }
  return value;
}
