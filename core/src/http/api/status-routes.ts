import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { redactString } from '../../config/index.js';
import { normaliseRepoPath } from '../../engine/index.js';
import { AapiError } from '../../errors.js';
import type { ServerContext } from '../server-context.js';
import { errorResponses, healthSchema, probeBody, probeSchema, statsSchema } from './api-schemas.js';
import { storageRepository } from './object-routes.js';
import type { ReplicaStats } from './replica-stats.js';

type Counters = { objects: number; bytes: number; hits: number; misses: number; bytes_served: number; upstream_errors: number };

/** Upstream response headers a probe does not repeat: they may carry the upstream's session. */
const PRIVATE_HEADERS = new Set(['set-cookie', 'www-authenticate', 'proxy-authenticate']);

/** `/api/v2/stats`, `/api/v2/health`, `/api/v2/probe`. */
export async function statusRoutes(app: FastifyInstance, ctx: ServerContext, replicas: ReplicaStats): Promise<void> {
  app.get('/stats', {
    schema: {
      tags: ['status'],
      summary: 'Objects and bytes per repository and in total; hits, misses, bytes served and upstream errors since start (all replicas that report)',
      response: { 200: statsSchema, ...errorResponses },
    },
    handler: async () => {
      let usage;
      try {
        usage = await ctx.backends.meta.usage();
      } catch (err) {
        throw new AapiError('AAPI_ERR_METADATA_UNAVAILABLE', (err as Error).message, { cause: err });
      }
      const traffic = replicas.totals();
      const names = new Set([...ctx.repos.keys(), ...Object.keys(usage.repositories), ...traffic.keys()]);
      const total: Counters = { objects: 0, bytes: 0, hits: 0, misses: 0, bytes_served: 0, upstream_errors: 0 };
      const repositories: Record<string, Counters> = {};
      for (const name of [...names].sort()) {
        const stored = usage.repositories[name] ?? { objects: 0, bytes: 0 };
        const served = traffic.get(name) ?? { hits: 0, misses: 0, bytes_served: 0, upstream_errors: 0 };
        const counters = { ...stored, ...served };
        repositories[name] = counters;
        for (const key of Object.keys(total) as (keyof Counters)[]) total[key] += counters[key];
      }
      return { total, repositories, blobs: usage.blobs };
    },
  });

  app.get('/health', {
    schema: {
      tags: ['status'],
      summary: 'Each backend, and the circuit-breaker state of each upstream as this replica last saw it',
      response: { 200: healthSchema, ...errorResponses },
    },
    handler: async () => {
      const { blobs, meta, coord } = ctx.backends;
      const [storage, metadata, coordination] = await Promise.all([check(blobs.kind, () => blobs.ping()), check(meta.kind, () => meta.ping()), check(coord.kind, () => coord.ping())]);
      const upstreams: Record<string, { state: string; url: string }> = {};
      for (const repo of [...ctx.repos.values()].sort((a, b) => a.name.localeCompare(b.name))) {
        if (repo.isLocal) continue;
        upstreams[repo.name] = { state: ctx.upstream.breakerState(repo.config.base_url), url: redactString(repo.config.base_url) };
      }
      const ok = storage.ok && metadata.ok && coordination.ok && Object.values(upstreams).every((u) => u.state === 'closed');
      return { status: ok ? 'ok' : 'degraded', backends: { metadata, storage, coordination }, upstreams };
    },
  });

  app.post('/probe', {
    schema: {
      tags: ['status'],
      summary: "Fetch a path from a remote's upstream without storing it: status, headers, time to first byte, bytes",
      body: probeBody,
      response: { 200: probeSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { remote, path: raw } = request.body as { remote: string; path: string };
      const repo = storageRepository(ctx, remote);
      if (repo.isLocal) throw new AapiError('AAPI_ERR_REQUEST_INVALID', `${remote} is a local repository; it has no upstream`, { path: 'body.remote' });
      const path = repo.canonicalPath(normaliseRepoPath(raw.replace(/^\/+/, '')));
      const url = repo.upstreamUrl(path);
      const started = performance.now();
      const { username, password } = repo.config;
      const res = await ctx.upstream.request(url, {
        headers: { ...repo.upstreamHeaders(path) },
        ...(username !== undefined ? { credentials: { username, password: password ?? '' } } : {}),
        ...(repo.config.timeouts ? { timeouts: repo.config.timeouts } : {}),
        redirectHosts: repo.redirectHosts,
      });
      const ttfb = performance.now() - started;
      let bytes = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) bytes += chunk.byteLength;
      const headers = Object.fromEntries(Object.entries(res.headers).filter(([name]) => !PRIVATE_HEADERS.has(name)));
      return { status: res.status, headers, ttfb_ms: Math.round(ttfb * 100) / 100, bytes, url: redactString(res.url) };
    },
  });
}

async function check(kind: string, ping: () => Promise<void>): Promise<{ kind: string; ok: boolean; error?: string }> {
  try {
    await ping();
    return { kind, ok: true };
  } catch (err) {
    return { kind, ok: false, error: (err as Error).message };
  }
}
