import type { HookContext } from './types.js';

/** One challenge of a `WWW-Authenticate` header: `Bearer realm="…",service="…",scope="…"`. */
export interface AuthChallenge {
  /** Lower-case scheme, e.g. `bearer`, `basic`. */
  scheme: string;
  /** Parameters by lower-case name, unquoted. */
  params: Readonly<Record<string, string>>;
}

/** What the core hands `authenticate` after an upstream answered 401. */
export interface UpstreamAuthRequest {
  /** The repository path being fetched. */
  path: string;
  /** The upstream URL that answered 401. */
  url: string;
  /** The scope `scope()` gave for this path; the token is cached under it. */
  scope: string;
  /** Parsed `WWW-Authenticate` challenges of the 401. */
  challenges: readonly AuthChallenge[];
  /** The repository's upstream credentials, if configured (send them to the realm, not to the registry). */
  credentials?: { username: string; password: string };
}

/** A bounded response from `fetch` (token endpoints answer small JSON documents). */
export interface AuthFetchResponse {
  status: number;
  headers: Readonly<Record<string, string | undefined>>;
  body: Uint8Array;
}

/** Context of `authenticate`: the hook context plus an HTTP client that goes through the core's upstream rules. */
export interface UpstreamAuthContext extends HookContext {
  /**
   * GETs a URL (a token realm) through the core's upstream client: its proxy, CA, timeouts and
   * redirect guard apply. Bodies above 1 MiB are refused.
   */
  fetch(url: string, init?: { headers?: Readonly<Record<string, string>> }): Promise<AuthFetchResponse>;
}

/** A credential for upstream requests in one scope. */
export interface UpstreamToken {
  /** The whole `Authorization` header value, e.g. `Bearer eyJ…`. */
  authorization: string;
  /** Seconds the token stays valid; the core caches it a little less. Default 60. */
  expiresIn?: number;
}

/**
 * Challenge/response upstream authentication (the registry token flow). Before an upstream
 * request the core sends the token cached for the path's scope, if any; when the upstream answers
 * 401 with `WWW-Authenticate`, the core calls `authenticate`, caches what it returns per
 * repository and scope until it expires (shared by every replica through the coordinator), and
 * retries the request once.
 */
export interface UpstreamAuth {
  /**
   * The token scope a path needs, e.g. `repository:library/alpine:pull`; paths with the same
   * scope share a token. Return undefined for paths that never need one (no token is looked up).
   */
  scope(path: string, ctx: HookContext): string | undefined;
  /**
   * Obtains a token for a 401. Return undefined when the challenge is not one this plugin
   * answers: the 401 then reaches the client as an upstream failure. A thrown error does too,
   * naming the plugin.
   */
  authenticate(request: UpstreamAuthRequest, ctx: UpstreamAuthContext): Promise<UpstreamToken | undefined>;
}
