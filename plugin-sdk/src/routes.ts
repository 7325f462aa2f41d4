import type { Readable } from 'node:stream';
import type { EngineService, RepositoryRef } from './engine-service.js';
import type { PluginLogger } from './types.js';
import type { UploadSessions } from './hosted.js';

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** A request to a plugin route. Bodies are never parsed: `body` is the raw stream. */
export interface PluginRequest {
  readonly method: string;
  /** The URL as sent, path and query. */
  readonly url: string;
  /** Route parameters: `:name` segments, and `*` for a wildcard's rest (still percent-encoded). */
  readonly params: Readonly<Record<string, string | undefined>>;
  /** Query parameters; the first value of a repeated one. */
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Readable;
}

/** The reply of a plugin route. `send` ends it; a route must send exactly once. */
export interface PluginReply {
  status(code: number): this;
  header(name: string, value: string | number): this;
  /** Sends a body: a string, bytes, a stream, or an object (as JSON); nothing for an empty body. */
  send(body?: string | Uint8Array | Readable | object): Promise<void>;
  readonly sent: boolean;
}

export type RouteHandler = (request: PluginRequest, reply: PluginReply) => Promise<void>;

/** Formats an error a route threw (an EngineError or the plugin's own) in the plugin's protocol. */
export type RouteErrorHandler = (error: unknown, request: PluginRequest, reply: PluginReply) => Promise<void>;

/**
 * Where a plugin mounts its protocol surface: an encapsulated scope of the product's HTTP server
 * (fastify underneath; plugins never import it). URLs use fastify's syntax: `/v2/` exact,
 * `/v2/*` a wildcard, `/x/:name` a parameter. A URL another plugin or the core already serves
 * fails at start, naming the plugin.
 */
export interface RouteScope {
  route(options: { method: HttpMethod | readonly HttpMethod[]; url: string; handler: RouteHandler }): void;
  /** Replaces the product's JSON error format in this scope only (docker's `{errors: [...]}`). */
  setErrorHandler(handler: RouteErrorHandler): void;
}

/** What a repository access is: `read` (GET/HEAD) or `write` (publish, push, PUT, DELETE; includes read). */
export type RepositoryAccess = 'read' | 'write';

/**
 * What a request's credentials allow on one repository: `granted`; `missing` (no credentials, or
 * none that count: answer 401 with a challenge so the client sends them); `denied` (unknown,
 * revoked or expired, or without this access: answer 403).
 */
export type AccessDecision = 'granted' | 'missing' | 'denied';

/** What `routes` receives besides the scope: the engine and request-level helpers. Injected, never imported. */
export interface RoutesContext {
  engine: EngineService;
  /** Upload sessions of local repositories (see HostedDefinition.uploadSessions). */
  uploads: UploadSessions;
  log: PluginLogger;
  /** The server's public origin for this request, without a trailing slash (`public_url`, else Host as trusted). */
  publicOrigin(request: PluginRequest): string;
  /**
   * Whether the request carries the admin token: `Bearer <token>`, or Basic credentials whose
   * password is the token (any user name). False when no token is configured.
   */
  isAdmin(request: PluginRequest): boolean;
  /** Whether uploads are possible at all (an admin token is configured). */
  readonly writable: boolean;
  /**
   * What the request's credentials (Bearer, or the password of Basic credentials) allow on
   * `repository`: the admin token everything, a named token (DESIGN §10) what its scopes say. A
   * read of a repository that needs no token (`auth.read` is not `token`) is always granted.
   */
  authorize(request: PluginRequest, repository: string, access: RepositoryAccess): Promise<AccessDecision>;
  /** Like {@link authorize}, but throws the product's 401 (with a Basic challenge) or 403 error unless granted. */
  requireAccess(request: PluginRequest, repository: string, access: RepositoryAccess): Promise<void>;
  /** Whether the request carries valid credentials at all: the admin token or a live named token, whatever its scopes. */
  authenticated(request: PluginRequest): Promise<boolean>;
}

/**
 * Plain reads on a plugin's routes whose whole answer is one stored artifact (docker blob pulls):
 * the core answers them from memory ahead of fastify when the artifact is there, and hands every
 * other request to `routes`. See {@link PluginDefinition.hotReads}.
 */
export interface HotReads {
  /** URL path prefix the reads live under, e.g. `/v2/`. */
  prefix: string;
  /**
   * The repository and repository path whose stored bytes answer a GET or HEAD of `pathname` (the
   * URL's path, still percent-encoded, no query), with the headers the route sets besides the
   * product's artifact headers; undefined when the route must decide. Runs on the event loop for
   * every such request: synchronous, cheap, and a throw only sends the request to the route. A
   * pure function of `pathname` and the repository it names: the core keeps the answer for a URL
   * until that repository changes.
   */
  resolve(pathname: string, repositories: HotReadRepositories): HotRead | undefined;
}

/** Looks repositories up for {@link HotReads.resolve}, as `ctx.engine.resolve` does for routes. */
export interface HotReadRepositories {
  resolve(name: string): RepositoryRef | undefined;
}

/** A read the core may answer from memory: the route would send exactly this artifact with these headers. */
export interface HotRead {
  repository: string;
  path: string;
  /**
   * Headers the route adds; the product's artifact headers (DESIGN §3) win where both set one. No
   * Content-Disposition is sent, as for a route that passes `send` no `fileName`.
   */
  headers?: Readonly<Record<string, string>>;
  /** The route sends the artifact with `redirect: true`: with `storage.redirect` on, it is left to the route. */
  redirect?: boolean;
}
