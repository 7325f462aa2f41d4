import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { UpstreamConfig, UpstreamTimeouts } from '../config/types.js';
import { AapiError, isAapiError } from '../errors.js';
import { Agents } from './agents.js';
import type { BreakerStore } from './breaker-store.js';
import { CircuitBreaker, type BreakerState, type BreakerTicket } from './circuit-breaker.js';
import { StaleSocketError, startExchange } from './exchange.js';
import { idleBody } from './idle-body.js';
import { ProxyRules } from './proxy-rules.js';
import { RedirectGuard, type HopGuard, type ListenAddress } from './redirect-guard.js';
import { basicAuth, parseTarget, portOf, safeUrl } from './request-target.js';
import { timeoutError, toUpstreamError, type TimeoutKind, type TimeoutLimits } from './upstream-errors.js';

/** One request to an upstream. */
export interface UpstreamRequestOptions {
  method?: 'GET' | 'HEAD';
  /** Extra request headers, e.g. if-none-match, if-modified-since, accept. An explicit `authorization` wins over `credentials`. */
  headers?: Record<string, string>;
  /** Upstream Basic auth; sent only to the original origin, dropped on cross-origin redirects. */
  credentials?: { username: string; password: string };
  /** Per-repository override of `config.timeouts`, in seconds. */
  timeouts?: Partial<UpstreamTimeouts>;
  /**
   * Hosts a redirect may reach even at a loopback, private or other non-public address:
   * `host` (any port) or `host:port`, IPv6 in brackets. The requested URL's own host and port
   * always may.
   */
  redirectHosts?: readonly string[];
  signal?: AbortSignal;
}

/** An upstream answer after redirects. Any status is returned; only network-level problems throw. */
export interface UpstreamResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /**
   * The body; the caller consumes or destroys it (empty for HEAD and 304). It fails with
   * AAPI_ERR_UPSTREAM_TIMEOUT when the upstream stays silent for `timeouts.idle`, and with
   * AAPI_ERR_UPSTREAM_UNREACHABLE when the connection breaks or ends before the declared length;
   * it never yields bytes beyond Content-Length. Such failures are not counted by the breaker on
   * their own: report them with `reportFailure`. A failure nobody listens for does not crash the
   * process; it stays on `body.errored` for a consumer that attaches later.
   */
  body: Readable;
  /** Final URL after redirects, without credentials. */
  url: string;
}

export interface UpstreamClientOptions {
  /** Environment for HTTP(S)_PROXY / NO_PROXY; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Clock in ms for the breaker's cooldown; defaults to Date.now. */
  now?: () => number;
  /** Where breaker state lives; defaults to this process's memory. */
  breakerStore?: BreakerStore;
  /** The addresses this server listens on, asked at each redirect: a redirect there is refused. */
  listening?: () => readonly ListenAddress[];
  /** Sent as `Via` on every request (e.g. `1.1 artifactapi-<id>`), so the server can spot its own requests coming back. */
  via?: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that identify the caller to one origin and must not follow a redirect elsewhere. */
const ORIGIN_BOUND = ['authorization', 'cookie'];
const USER_AGENT = 'ArtifactAPI';
const DEFAULT_MAX_REDIRECTS = 5;

/**
 * The HTTP client every upstream fetch goes through: pooled keep-alive connections, explicit
 * redirect rules, connect / headers / idle timeouts, Basic credentials, outbound proxy and extra
 * CA certificates, and a circuit breaker per upstream origin.
 */
export class UpstreamClient {
  private readonly agents: Agents;
  private readonly proxies: ProxyRules;
  private readonly breaker: CircuitBreaker;
  private readonly maxRedirects: number;
  private readonly guard: RedirectGuard;
  private readonly via: string | undefined;
  private closed = false;

  constructor(
    private readonly config: UpstreamConfig,
    options: UpstreamClientOptions = {},
  ) {
    this.agents = new Agents(config.ca_file);
    this.proxies = new ProxyRules(config, options.env ?? process.env);
    this.breaker = new CircuitBreaker({
      failures: config.breaker.failures,
      cooldown: config.breaker.cooldown,
      ...(options.now ? { now: options.now } : {}),
      ...(options.breakerStore ? { store: options.breakerStore } : {}),
    });
    this.maxRedirects = config.max_redirects ?? DEFAULT_MAX_REDIRECTS;
    this.guard = new RedirectGuard(options.listening ?? (() => []));
    this.via = options.via;
  }

  /**
   * Sends a GET or HEAD and follows redirects. Rejects with AAPI_ERR_UPSTREAM_UNREACHABLE
   * (refused, reset, DNS, TLS), AAPI_ERR_UPSTREAM_TIMEOUT (connect, headers),
   * AAPI_ERR_UPSTREAM_BREAKER_OPEN (fail fast, no traffic), AAPI_ERR_UPSTREAM_REDIRECT_REFUSED (a
   * redirect to this server or to a non-public address of a host not allowed, see RedirectGuard)
   * or AAPI_ERR_UPSTREAM_FAILED (too many redirects, bad URL, client closed); with the signal's
   * reason when the caller aborts.
   */
  async request(rawUrl: string, options: UpstreamRequestOptions = {}): Promise<UpstreamResponse> {
    if (this.closed) throw new AapiError('AAPI_ERR_UPSTREAM_FAILED', 'the upstream client is closed');
    const limits: TimeoutLimits = { ...this.config.timeouts, ...definedOnly(options.timeouts) };
    const method = options.method ?? 'GET';
    const target = parseTarget(rawUrl);
    const { common, bound } = splitHeaders(options.headers);
    if (this.via !== undefined) common.via = this.via;
    const credentials = options.credentials ?? target.credentials;
    if (bound.authorization === undefined && credentials) bound.authorization = basicAuth(credentials);

    const origin = target.url.origin;
    const allowed = [`${target.url.hostname}:${portOf(target.url)}`, ...(options.redirectHosts ?? [])];
    let url = target.url;
    let guard: HopGuard | undefined;
    for (let redirects = 0; ; redirects += 1) {
      const headers = url.origin === origin ? { ...common, ...bound } : common;
      const res = await this.send(url, method, headers, limits, options.signal, guard);
      const location = REDIRECTS.has(res.statusCode ?? 0) ? res.headers.location : undefined;
      if (location === undefined) return this.wrap(res, url, limits, options.signal);

      await discard(res);
      if (redirects >= this.maxRedirects) {
        throw new AapiError('AAPI_ERR_UPSTREAM_FAILED', `too many redirects (more than ${this.maxRedirects}) from ${safeUrl(target.url)}`);
      }
      url = nextUrl(location, url);
      guard = this.guard.check(url, allowed, this.proxies.proxyFor(url) !== undefined);
    }
  }

  /** Lets the engine report a failure seen while reading a body (cut-off, idle timeout) to the breaker. */
  reportFailure(url: string): void {
    const key = originOf(url);
    if (key !== undefined) void this.breaker.reportFailure(key).catch(() => undefined);
  }

  /** The breaker state for the upstream origin of `url`, as this process last saw it. */
  breakerState(url: string): BreakerState {
    const key = originOf(url);
    return key === undefined ? 'closed' : this.breaker.state(key);
  }

  /** Closes the pooled connections; in-flight requests finish first. Later requests are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.agents.close();
  }

  /** One hop: breaker admission, the request itself, and the verdict for the breaker. */
  private async send(
    url: URL,
    method: 'GET' | 'HEAD',
    headers: Record<string, string>,
    limits: TimeoutLimits,
    signal: AbortSignal | undefined,
    guard: HopGuard | undefined,
  ): Promise<IncomingMessage> {
    const ticket = await this.breaker.admit(url.origin);
    const exchange = {
      method,
      headers,
      connectMs: toMs(limits.connect),
      headersMs: toMs(limits.headers),
      onTimeout: (kind: TimeoutKind) => timeoutError(kind, limits, safeUrl(url)),
      ...(signal ? { signal } : {}),
    };
    let res: IncomingMessage;
    for (let attempt = 0; ; attempt += 1) {
      let pending: Promise<IncomingMessage>;
      try {
        const route = this.agents.route(url, this.proxies.proxyFor(url));
        pending = startExchange(guard ? { ...route, guard } : route, exchange);
      } catch (err) {
        // Our request was malformed (e.g. a bad header value, a bad proxy URL): not the upstream's health.
        await ticket.release();
        if (err instanceof AapiError) throw err;
        throw new AapiError('AAPI_ERR_UPSTREAM_FAILED', `invalid request to ${safeUrl(url)}`, { cause: err });
      }
      try {
        res = await pending;
        break;
      } catch (err) {
        // A pooled socket the server had just closed: once more, on another socket.
        if (err instanceof StaleSocketError && attempt === 0 && !signal?.aborted) continue;
        throw await this.failed(err instanceof StaleSocketError ? err.cause : err, ticket, limits, url, signal);
      }
    }
    const status = res.statusCode ?? 0;
    if (status >= 500 && status !== 501) await ticket.fail();
    // A trial's success closes the breaker before anything else is admitted; an ordinary one only
    // resets the count, which need not hold up the response (with Redis, a round trip per miss).
    else if (ticket.trial) await ticket.succeed();
    else void ticket.succeed().catch(() => undefined);
    return res;
  }

  private async failed(
    err: unknown,
    ticket: BreakerTicket,
    limits: TimeoutLimits,
    url: URL,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    if (signal?.aborted) {
      await ticket.release();
      return signal.reason ?? err;
    }
    // Our own refusal at DNS time: nothing was sent, and it says nothing of the upstream's health.
    if (isAapiError(err) && err.code === 'AAPI_ERR_UPSTREAM_REDIRECT_REFUSED') {
      await ticket.release();
      return err;
    }
    await ticket.fail();
    return toUpstreamError(err, safeUrl(url));
  }

  private wrap(res: IncomingMessage, url: URL, limits: TimeoutLimits, signal: AbortSignal | undefined): UpstreamResponse {
    const where = safeUrl(url);
    const body = idleBody(res, {
      idleMs: toMs(limits.idle),
      onIdle: () => timeoutError('idle', limits, where),
      mapError: (err) => toUpstreamError(err, where),
      // False when the connection ended before the declared length (or the last chunk) arrived.
      isComplete: () => res.complete,
    });
    if (signal) {
      const onAbort = (): void => {
        body.destroy(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      };
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        body.once('close', () => signal.removeEventListener('abort', onAbort));
      }
    }
    return { status: res.statusCode ?? 0, headers: flattenHeaders(res), body, url: url.href };
  }
}

function toMs(seconds: number): number {
  return Math.max(0, Math.round(seconds * 1000));
}

function definedOnly(timeouts: Partial<UpstreamTimeouts> | undefined): Partial<UpstreamTimeouts> {
  const out: Partial<UpstreamTimeouts> = {};
  for (const key of ['connect', 'headers', 'idle'] as const) {
    const value = timeouts?.[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Lower-cases names and sets aside the headers that stay with the original origin. */
function splitHeaders(headers: Record<string, string> | undefined): {
  common: Record<string, string>;
  bound: Record<string, string>;
} {
  const common: Record<string, string> = { 'user-agent': USER_AGENT };
  const bound: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (ORIGIN_BOUND.includes(lower)) bound[lower] = value;
    else common[lower] = value;
  }
  return { common, bound };
}

/** Resolves a Location against the current URL; credentials in it are ignored, odd schemes refused. */
function nextUrl(location: string, current: URL): URL {
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    throw new AapiError('AAPI_ERR_UPSTREAM_FAILED', `invalid redirect location from ${safeUrl(current)}`);
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new AapiError('AAPI_ERR_UPSTREAM_FAILED', `redirect to unsupported scheme ${next.protocol} from ${safeUrl(current)}`);
  }
  next.username = '';
  next.password = '';
  return next;
}

/** Every received header, repeated ones (Set-Cookie included) joined with ', '. */
function flattenHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(res.headersDistinct)) {
    if (values !== undefined) out[name] = values.join(', ');
  }
  return out;
}

/** Largest redirect body read to keep its socket; a bigger one costs the socket instead. */
const DISCARD_LIMIT = 64 * 1024;

/** Reads away a redirect's small body so its socket goes back to the pool. */
async function discard(res: IncomingMessage): Promise<void> {
  await new Promise<void>((resolve) => {
    let seen = 0;
    const done = (): void => {
      res.off('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > DISCARD_LIMIT) {
        res.destroy();
        done();
      }
    };
    res.on('data', onData);
    // A broken redirect body only costs the socket; the next hop opens another.
    res.on('error', done);
    res.once('end', done);
    res.once('close', done);
  });
  // Node frees the socket a tick after 'end'; waiting lets a same-origin hop reuse it.
  await new Promise((resolve) => setImmediate(resolve));
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
