import type { Health, ObjectPage, Remote, Stats } from './api-types.js';

/**
 * Why a call to the management API failed, worded for the person at the terminal: what happened
 * and what to change (the endpoint, the token, the server's config). Never carries a stack.
 */
export class ApiProblem extends Error {
  constructor(
    message: string,
    /** `auth` and `endpoint` problems will not go away by retrying; the others may. */
    readonly kind: 'endpoint' | 'auth' | 'server' | 'network',
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}

export interface ClientOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:8000 (a trailing slash is fine). */
  endpoint: string;
  token?: string;
  /** Per request; the dashboard refreshes every few seconds, so a hung request must not pile up. */
  timeoutMs?: number;
}

/** The calls the TUI makes to /api/v2, each resolving to the documented shape or an ApiProblem. */
export class ManagementClient {
  readonly endpoint: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  stats(): Promise<Stats> {
    return this.json<Stats>('GET', '/api/v2/stats');
  }

  health(): Promise<Health> {
    return this.json<Health>('GET', '/api/v2/health');
  }

  async remotes(): Promise<Remote[]> {
    return (await this.json<{ remotes: Remote[] }>('GET', '/api/v2/remotes')).remotes;
  }

  objects(remote: string, page: { limit: number; cursor?: string | null }): Promise<ObjectPage> {
    const query = new URLSearchParams({ limit: String(page.limit), sort: 'path', order: 'asc' });
    if (page.cursor) query.set('cursor', page.cursor);
    return this.json<ObjectPage>('GET', `/api/v2/remotes/${encodeURIComponent(remote)}/objects?${query}`);
  }

  async evict(remote: string, path: string): Promise<number> {
    const query = new URLSearchParams({ path });
    return (await this.json<{ evicted: number }>('DELETE', `/api/v2/remotes/${encodeURIComponent(remote)}/objects?${query}`)).evicted;
  }

  /** Opens the event stream; the caller reads the body (see event-stream.ts) and aborts `signal`. */
  async openEvents(signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const res = await this.send('GET', '/api/v2/events', { signal, accept: 'text/event-stream' });
    if (!res.ok || !res.body) throw await problemFromResponse(res, this.endpoint);
    return res.body;
  }

  private async json<T>(method: string, path: string): Promise<T> {
    const res = await this.send(method, path, { signal: AbortSignal.timeout(this.timeoutMs), accept: 'application/json' });
    if (!res.ok) throw await problemFromResponse(res, this.endpoint);
    try {
      return (await res.json()) as T;
    } catch {
      throw new ApiProblem(`${this.endpoint}${path.split('?')[0]} did not answer with JSON: is this an ArtifactAPI server?`, 'endpoint', res.status);
    }
  }

  private async send(method: string, path: string, options: { signal: AbortSignal; accept: string }): Promise<Response> {
    // No idle keep-alive socket outlives the app: the server's keep-alive hint (72 s for fastify)
    // would hold the process open after `q` or an error. One connection per call every few
    // seconds costs nothing here.
    const headers: Record<string, string> = { accept: options.accept, connection: 'close' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    try {
      return await fetch(`${this.endpoint}${path}`, { method, headers, signal: options.signal });
    } catch (err) {
      throw problemFromNetworkError(err, this.endpoint);
    }
  }
}

/** The error body of §3: `{ error: { code, message } }`; anything else yields undefined. */
async function errorBody(res: Response): Promise<{ code?: string; message?: string } | undefined> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    return body?.error;
  } catch {
    return undefined;
  }
}

async function problemFromResponse(res: Response, endpoint: string): Promise<ApiProblem> {
  const error = await errorBody(res);
  const said = error?.code ? ` (${res.status} ${error.code}${error.message ? `: ${error.message}` : ''})` : ` (HTTP ${res.status})`;
  if (res.status === 401) {
    return new ApiProblem(`the server at ${endpoint} wants the admin token${said}. Pass --token TOKEN or set ARTIFACTAPI_TOKEN.`, 'auth', 401);
  }
  if (res.status === 403 && error?.code === 'AAPI_ERR_UPLOADS_DISABLED') {
    return new ApiProblem(`the server at ${endpoint} has no admin token configured${said}. Set auth.admin_token (or ADMIN_TOKEN) in its config to use the management API.`, 'auth', 403);
  }
  if (res.status === 403) {
    return new ApiProblem(`the server at ${endpoint} refused the token${said}. Check --token or ARTIFACTAPI_TOKEN against the server's auth.admin_token.`, 'auth', 403);
  }
  if (res.status === 404 && !error?.code?.startsWith('AAPI_ERR_REPOSITORY')) {
    return new ApiProblem(`${endpoint} has no management API at /api/v2${said}. Is --endpoint the base URL of an ArtifactAPI server?`, 'endpoint', 404);
  }
  return new ApiProblem(`the server answered${said}`, 'server', res.status);
}

/** fetch() rejects with a TypeError whose `cause` carries the system error code. */
function problemFromNetworkError(err: unknown, endpoint: string): ApiProblem {
  const e = err as Error & { cause?: { code?: string; message?: string; errors?: { code?: string }[] } };
  if (e.name === 'TimeoutError') return new ApiProblem(`${endpoint} did not answer in time`, 'network');
  if (e.name === 'AbortError') return new ApiProblem('request aborted', 'network');
  // `localhost` tries ::1 and 127.0.0.1; both refusing arrives as an AggregateError.
  const code = e.cause?.code ?? e.cause?.errors?.[0]?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return new ApiProblem(`cannot connect to ${endpoint}: connection refused. Is \`artifactapi serve\` running there? Check --endpoint.`, 'endpoint');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ApiProblem(`cannot resolve the host of ${endpoint} (${code}). Check --endpoint.`, 'endpoint');
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return new ApiProblem(`the connection to ${endpoint} was closed by the server`, 'network');
    default:
      return new ApiProblem(`cannot reach ${endpoint}: ${e.cause?.message ?? e.message}${code ? ` (${code})` : ''}`, 'network');
  }
}

/** The message to show for anything a call rejected with. */
export function describeProblem(err: unknown): string {
  return err instanceof ApiProblem ? err.message : err instanceof Error ? err.message : String(err);
}
