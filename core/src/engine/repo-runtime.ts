import type { Classification, HookContext, UpstreamAuthContext, UpstreamAuthRequest, UpstreamToken } from '@artifactapi/plugin-sdk';
import type { CorePlugin } from '../plugins/plugin-defaults.js';
import type { RepoConfig } from '../config/types.js';
import { AapiError, isAapiError } from '../errors.js';
import { RepoPolicy } from './policy.js';
import { portOf } from '../upstream/index.js';
import { assertSameOrigin } from './path.js';

/** One configured repository with its plugin and compiled rules, built once at start. */
export class RepoRuntime {
  readonly name: string;
  readonly hookContext: HookContext;
  private readonly policy: RepoPolicy;
  private readonly allowedOrigins: string[];
  /** Where an upstream redirect may go even at a non-public address: the configured upstream hosts and `redirect_hosts`. */
  readonly redirectHosts: readonly string[];

  constructor(
    readonly config: RepoConfig,
    readonly plugin: CorePlugin,
    log: HookContext['log'],
  ) {
    this.name = config.name;
    this.policy = new RepoPolicy(config);
    this.hookContext = {
      repo: {
        name: config.name,
        kind: config.type,
        package: config.package,
        baseUrl: config.base_url,
        options: config.options,
      },
      log,
    };
    const extra = this.callHook('upstreamHosts', () => plugin.upstreamHosts(this.hookContext));
    const upstreams = [config.base_url, ...extra].filter((u) => typeof u === 'string' && u.length > 0).map((u) => new URL(u));
    this.allowedOrigins = upstreams.map((u) => u.origin);
    this.redirectHosts = [...upstreams.map((u) => `${u.hostname}:${portOf(u)}`), ...config.redirect_hosts];
  }

  get isLocal(): boolean {
    return this.config.type === 'local';
  }

  /** The plugin's verdict with the operator's patterns applied; a thrown plugin error names the plugin. */
  classify(path: string): Classification {
    return this.policy.apply(path, this.callHook('classify', () => this.plugin.classify(path, this.hookContext)));
  }

  /** The upstream URL of a path, refused when it would leave the configured hosts. */
  upstreamUrl(path: string): string {
    const url = this.callHook('upstreamUrl', () => this.plugin.upstreamUrl(path, this.hookContext));
    assertSameOrigin(url, this.allowedOrigins);
    return url;
  }

  /** The cache key of a request path (one spelling for paths that mean the same thing). */
  canonicalPath(path: string): string {
    return this.callHook('canonicalPath', () => this.plugin.canonicalPath(path, this.hookContext));
  }

  /** Extra headers the plugin wants on the upstream request for a path. */
  upstreamHeaders(path: string): Readonly<Record<string, string>> {
    return this.callHook('upstreamHeaders', () => this.plugin.upstreamHeaders(path, this.hookContext));
  }

  /** The representation of an index document the client asks for. */
  negotiate(path: string, headers: Readonly<Record<string, string | undefined>>): string {
    return this.callHook('negotiate', () => this.plugin.negotiate(path, headers, this.hookContext)).variant;
  }

  /** Paths whose bytes the rewriter of the index document at `path` needs besides it. */
  companions(path: string, body: Uint8Array, quarantineCutoff: number | undefined): readonly string[] {
    const hook = this.plugin.companions;
    if (!hook) return [];
    return this.callHook('companions', () => hook(path, body, this.hookContext, quarantineCutoff === undefined ? {} : { quarantineCutoff }));
  }

  /** The index documents that list an artifact (none when the plugin knows none). */
  indexOf(path: string): readonly { path: string; index: string }[] {
    const found = this.callHook('indexOf', () => this.plugin.indexOf(path, this.hookContext));
    return found === undefined ? [] : 'path' in found ? [found] : found;
  }

  /** The upstream token scope of a path, or undefined when its requests need none. */
  authScope(path: string): string | undefined {
    return this.callHook('upstreamAuth.scope', () => this.plugin.upstreamAuth.scope(path, this.hookContext));
  }

  /** Asks the plugin for an upstream token after a 401; a thrown error names the plugin. */
  async authenticate(request: UpstreamAuthRequest, ctx: UpstreamAuthContext): Promise<UpstreamToken | undefined> {
    try {
      return await this.plugin.upstreamAuth.authenticate(request, ctx);
    } catch (err) {
      // The realm's own failure (unreachable, timed out, too large) through ctx.fetch is the upstream's, not the plugin's: a stale copy may still serve.
      if (isAapiError(err)) throw err;
      throw new AapiError('AAPI_ERR_PLUGIN_FAILED', `${this.plugin.type}.upstreamAuth.authenticate: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Whether a path of a local repository is a mutable reference (a tag). */
  isReference(path: string): boolean {
    return this.callHook('hosted.isReference', () => this.plugin.hosted.isReference(path, this.hookContext));
  }

  /** Runs a plugin hook; what it throws is rethrown naming the plugin and the hook. */
  private callHook<T>(hook: string, call: () => T): T {
    try {
      return call();
    } catch (err) {
      throw new AapiError('AAPI_ERR_PLUGIN_FAILED', `${this.plugin.type}.${hook}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Expiry of a freshly stored or revalidated entry, or null for never. */
  expiryFor(mutable: boolean, now: number): number | null {
    const ttl = mutable ? this.config.cache.mutable_ttl : this.config.cache.immutable_ttl;
    if (ttl === 0) return mutable ? now : null;
    return now + ttl * 1000;
  }
}
