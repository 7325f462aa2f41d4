import type { FastifyInstance } from 'fastify';
import { redactConfig, redactString } from '../../config/index.js';
import { publicBase } from '../public-base.js';
import type { ServerContext } from '../server-context.js';

interface BackendHealth {
  kind: string;
  ok: boolean;
  error?: string;
}

/** `/` (repositories), `/config` (redacted), `/health` (each backend), `/metrics` (Prometheus). */
export async function infoRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/', async (request) => {
    const base = publicBase(request, ctx.config.public_url);
    return {
      name: 'ArtifactAPI',
      version: ctx.version,
      repositories: [...ctx.repos.values()].map((r) => ({
        name: r.name,
        type: r.config.type,
        package: r.config.package,
        url: `${base}/api/v1/remote/${r.name}/`,
        // base_url may carry credentials (user:pass@host, ?access_token=…), which no endpoint shows
        ...(r.isLocal ? {} : { upstream: redactString(r.config.base_url) }),
      })),
      virtuals: [...ctx.virtuals.values()].map((v) => ({
        name: v.name,
        package: v.package,
        members: v.members,
        url: `${base}/api/v1/virtual/${v.name}/`,
      })),
    };
  });

  app.get('/config', async () => redactConfig(ctx.config));

  app.get('/health', async (_request, reply) => {
    const { blobs, meta, coord } = ctx.backends;
    const [storage, metadata, coordination] = await Promise.all([
      check(blobs.kind, () => blobs.ping()),
      check(meta.kind, () => meta.ping()),
      check(coord.kind, () => coord.ping()),
    ]);
    // Without coordination the server still serves (single flight per process): degraded, still ready.
    const serving = storage.ok && metadata.ok;
    reply.code(serving ? 200 : 503);
    return {
      status: !serving ? 'unavailable' : coordination.ok ? 'ok' : 'degraded',
      backends: { storage, metadata, coordination },
      plugins: { loaded: ctx.plugins.list().map((p) => p.type), problems: ctx.plugins.problems },
    };
  });

  app.get('/metrics', async (_request, reply) => {
    reply.type(ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
}

async function check(kind: string, ping: () => Promise<void>): Promise<BackendHealth> {
  try {
    await ping();
    return { kind, ok: true };
  } catch (err) {
    return { kind, ok: false, error: (err as Error).message };
  }
}
