import { parseChallenges, type PluginLogger, type UpstreamAuthContext } from '@artifactapi/plugin-sdk';
import type { Coordinator } from '../coord/coordinator.js';
import { AapiError } from '../errors.js';
import type { UpstreamClient, UpstreamResponse } from '../upstream/index.js';
import type { RepoRuntime } from './repo-runtime.js';

/** A token is dropped this long before the upstream says it expires, so it is never sent stale. */
const EXPIRY_MARGIN_MS = 10_000;
const DEFAULT_EXPIRES_IN_S = 60;
/** Token endpoints answer small JSON documents. */
const MAX_AUTH_BODY = 1024 * 1024;

/**
 * Upstream tokens of the plugins' challenge/response auth (`upstreamAuth`), cached per
 * repository and scope until they expire: in this process, and for the other replicas in the
 * coordinator's TTL keys, so one replica's token serves all of them.
 */
export class UpstreamTokens {
  private readonly local = new Map<string, { value: string; until: number }>();

  constructor(
    private readonly coord: Coordinator,
    private readonly upstream: UpstreamClient,
    private readonly log: PluginLogger,
  ) {}

  /** The Authorization header to send for a path, when a token for its scope is cached. */
  async cached(repo: RepoRuntime, path: string): Promise<string | undefined> {
    const scope = repo.authScope(path);
    if (scope === undefined) return undefined;
    const key = tokenKey(repo, scope);
    const mine = this.local.get(key);
    if (mine && mine.until > Date.now()) return mine.value;
    return this.coord.getTtl(key).catch(() => undefined);
  }

  /**
   * Answers a 401: asks the plugin for a token, caches it, and resolves to the header to retry
   * with; undefined when the plugin has none for this challenge.
   */
  async obtain(repo: RepoRuntime, path: string, res: UpstreamResponse, signal: AbortSignal): Promise<string | undefined> {
    const scope = repo.authScope(path);
    const challenges = parseChallenges(res.headers['www-authenticate']);
    if (scope === undefined || challenges.length === 0) return undefined;
    const { username, password } = repo.config;
    const ctx: UpstreamAuthContext = {
      ...repo.hookContext,
      fetch: (url, init) => this.fetch(repo, url, init?.headers ?? {}, signal),
    };
    const token = await repo.authenticate(
      { path, url: res.url, scope, challenges, ...(username !== undefined ? { credentials: { username, password: password ?? '' } } : {}) },
      ctx,
    );
    if (!token) return undefined;
    const ttl = Math.max(1_000, (token.expiresIn ?? DEFAULT_EXPIRES_IN_S) * 1000 - EXPIRY_MARGIN_MS);
    const key = tokenKey(repo, scope);
    this.local.set(key, { value: token.authorization, until: Date.now() + ttl });
    await this.coord.setTtl(key, token.authorization, ttl).catch((err: unknown) => this.log.warn({ err }, 'could not share an upstream token'));
    return token.authorization;
  }

  /** Drops a token the upstream refused, here and for the other replicas. */
  async forget(repo: RepoRuntime, path: string): Promise<void> {
    const scope = repo.authScope(path);
    if (scope === undefined) return;
    const key = tokenKey(repo, scope);
    this.local.delete(key);
    await this.coord.deleteTtl(key).catch(() => {});
  }

  private async fetch(repo: RepoRuntime, url: string, headers: Readonly<Record<string, string>>, signal: AbortSignal) {
    const res = await this.upstream.request(url, { headers: { ...headers }, timeouts: repo.config.timeouts, redirectHosts: repo.redirectHosts, signal });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > MAX_AUTH_BODY) {
        res.body.destroy();
        throw new AapiError('AAPI_ERR_UPSTREAM_TOO_LARGE', `token response from ${new URL(url).host} over ${MAX_AUTH_BODY} bytes`);
      }
      chunks.push(chunk);
    }
    return { status: res.status, headers: res.headers, body: new Uint8Array(Buffer.concat(chunks)) };
  }
}

function tokenKey(repo: RepoRuntime, scope: string): string {
  return `uauth:${repo.name}\u0000${scope}`;
}
