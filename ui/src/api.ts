import type { ErrorBody, Health, ObjectPage, Remote, ServerInfo, Stats, Virtual } from './types.js';

/**
 * The server's root: the page is served at <root>/ui/, so a reverse proxy may add a path prefix
 * and every request still reaches the same server.
 */
export const SERVER_ROOT = new URL('..', document.baseURI);

/** An absolute URL on the server for a root-relative path such as `/api/v2/stats`. */
export function serverUrl(path: string): string {
  return new URL(path.replace(/^\//, ''), SERVER_ROOT).href;
}

/** An API answer other than 2xx, with the server's stable code and, for 400s, the key paths. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** 401/403: the token is missing or wrong, so the UI asks for it again. */
  get isAuth(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export type ObjectSort = 'path' | 'size' | 'hits' | 'cached_at';

export interface ObjectQuery {
  q?: string;
  prefix?: string;
  sort?: ObjectSort;
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string | null;
}

/** The /api/v2 client: one method per route the UI uses, every call with the admin token. */
export class Api {
  constructor(
    readonly token: string,
    private readonly onAuthFailure: (error: ApiError) => void = () => {},
  ) {}

  remotes = async (): Promise<Remote[]> => (await this.call<{ remotes: Remote[] }>('GET', '/api/v2/remotes')).remotes;
  virtuals = async (): Promise<Virtual[]> => (await this.call<{ virtuals: Virtual[] }>('GET', '/api/v2/virtuals')).virtuals;
  remote = (name: string): Promise<Remote> => this.call('GET', `/api/v2/remotes/${enc(name)}`);
  createRemote = (body: Omit<Remote, 'source'>): Promise<Remote> => this.call('POST', '/api/v2/remotes', body);
  replaceRemote = (name: string, body: Omit<Remote, 'source'>): Promise<Remote> => this.call('PUT', `/api/v2/remotes/${enc(name)}`, body);
  deleteRemote = (name: string): Promise<void> => this.call('DELETE', `/api/v2/remotes/${enc(name)}`);
  virtual = (name: string): Promise<Virtual> => this.call('GET', `/api/v2/virtuals/${enc(name)}`);
  createVirtual = (body: Omit<Virtual, 'source'>): Promise<Virtual> => this.call('POST', '/api/v2/virtuals', body);
  replaceVirtual = (name: string, body: Omit<Virtual, 'source'>): Promise<Virtual> => this.call('PUT', `/api/v2/virtuals/${enc(name)}`, body);
  deleteVirtual = (name: string): Promise<void> => this.call('DELETE', `/api/v2/virtuals/${enc(name)}`);
  stats = (): Promise<Stats> => this.call('GET', '/api/v2/stats');
  health = (): Promise<Health> => this.call('GET', '/api/v2/health');

  objects = (repo: string, query: ObjectQuery): Promise<ObjectPage> => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    return this.call('GET', `/api/v2/remotes/${enc(repo)}/objects?${params}`);
  };

  evict = async (repo: string, target: { path: string } | { prefix: string }): Promise<number> => {
    const params = new URLSearchParams(target as Record<string, string>);
    return (await this.call<{ evicted: number }>('DELETE', `/api/v2/remotes/${enc(repo)}/objects?${params}`)).evicted;
  };

  /** `GET /`: needs no token; gives the public URL the server computes for each repository. */
  serverInfo = async (): Promise<ServerInfo> => {
    const res = await fetch(serverUrl('/'), { headers: { accept: 'application/json' } });
    return (await res.json()) as ServerInfo;
  };

  /** `/health` (no token): the loaded plugins are the package types a repository can have. */
  packageTypes = async (): Promise<string[]> => {
    const res = await fetch(serverUrl('/health'), { headers: { accept: 'application/json' } });
    const body = (await res.json()) as { plugins?: { loaded?: string[] } };
    return [...new Set(['generic', ...(body.plugins?.loaded ?? [])])].sort();
  };

  /** The URL of the live event stream: EventSource cannot send headers, so the token rides along. */
  eventsUrl = (): string => serverUrl(`/api/v2/events?token=${enc(this.token)}`);

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(serverUrl(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    const parsed = text === '' ? undefined : safeJson(text);
    if (!res.ok) {
      const error = (parsed as ErrorBody | undefined)?.error;
      const failure = new ApiError(res.status, error?.code ?? `HTTP_${res.status}`, error?.message ?? (text.slice(0, 200) || res.statusText), error?.details ?? (error?.path ? [{ path: error.path, message: error.message }] : []));
      if (failure.isAuth) this.onAuthFailure(failure);
      throw failure;
    }
    return parsed as T;
  }
}

/** Checks a token with one cheap authenticated call; resolves true when the server accepts it. */
export async function tokenAccepted(token: string): Promise<true | ApiError> {
  try {
    await new Api(token).stats();
    return true;
  } catch (err) {
    if (err instanceof ApiError) return err;
    return new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

