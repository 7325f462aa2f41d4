import type { FastifyInstance } from 'fastify';
import { redactConfig, redactString } from '../../config/index.js';
import { diskHealth } from '../disk-health.js';
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
    const [storage, metadata, coordination, ...disks] = await Promise.all([
      check(blobs.kind, () => blobs.ping()),
      check(meta.kind, () => meta.ping()),
      check(coord.kind, () => coord.ping()),
      ...localDirs(ctx).map(diskHealth),
    ]);
    // Without coordination, or with a full disk, hits are still served: degraded, still ready.
    const serving = storage.ok && metadata.ok;
    reply.code(serving ? 200 : 503);
    return {
      status: !serving ? 'unavailable' : coordination.ok && disks.every((d) => d.ok) ? 'ok' : 'degraded',
      backends: { storage, metadata, coordination },
      disks,
      plugins: { loaded: ctx.plugins.list().map((p) => p.type), problems: ctx.plugins.problems },
    };
  });

  app.get('/metrics', async (_request, reply) => {
    reply.type(ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
}

/** The local directories the server writes to: the data directory, and the blob directory when it is elsewhere. */
function localDirs(ctx: ServerContext): string[] {
  const { storage, data_dir } = ctx.config;
  return storage.kind === 'fs' && storage.path !== data_dir ? [data_dir, storage.path] : [data_dir];
}

async function check(kind: string, ping: () => Promise<void>): Promise<BackendHealth> {
  try {
    await ping();
    return { kind, ok: true };
  } catch (err) {
    return { kind, ok: false, error: (err as Error).message };
  }
}
