import type { FastifyInstance } from 'fastify';
import { AapiError } from '../../errors.js';
import type { BrowseOptions } from '../../engine/index.js';
import type { ServerContext } from '../server-context.js';
import { cacheArtifactBody, errorResponses, jobAcceptedSchema, objectSchema, objectsQuery } from './api-schemas.js';
import { requireApiAdmin } from './api-auth.js';
import { invalid } from './api-validation.js';
import type { CacheJobs } from './cache-jobs.js';
import { storageRepository } from './object-routes.js';
import { presentObject } from './present.js';

/**
 * The Python seeds' management endpoints, kept for users who scripted them (issue 14):
 * `GET /artifacts/{remote}` lists what is cached (a plain array, `X-Next-Cursor` for the next
 * page) and `POST /cache-artifact` fetches a batch into the cache as a job. `GET /api/{remote}/{path}`
 * is served by the repository routes.
 */
export async function seedRoutes(app: FastifyInstance, ctx: ServerContext, jobs: CacheJobs): Promise<void> {
  app.get('/artifacts/:remote', {
    schema: {
      tags: ['seed'],
      summary: 'Cached objects of a repository as a plain array (the seeds\' shape); X-Next-Cursor names the next page',
      params: { type: 'object', required: ['remote'], properties: { remote: { type: 'string' } } },
      querystring: objectsQuery,
      response: { 200: { type: 'array', items: objectSchema }, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { remote } = request.params as { remote: string };
      storageRepository(ctx, remote);
      const page = await ctx.service.browse(remote, request.query as BrowseOptions);
      if (page.nextCursor !== undefined) reply.header('x-next-cursor', page.nextCursor);
      return page.entries.map(presentObject);
    },
  });

  app.post('/cache-artifact', {
    schema: {
      tags: ['seed'],
      summary: "Fetch a batch of a repository's paths, or upstream URLs under its base_url, into the cache; progress as job events",
      body: cacheArtifactBody,
      response: { 202: jobAcceptedSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      requireApiAdmin(request, ctx.config.auth.admin_token);
      const { remote, paths = [], urls = [] } = request.body as { remote: string; paths?: string[]; urls?: string[] };
      const found = ctx.service.resolve(remote);
      if (!found) throw new AapiError('AAPI_ERR_REPOSITORY_NOT_FOUND', `no repository named ${remote}`, { path: 'body.remote' });
      if (paths.length + urls.length === 0) throw invalid([{ path: 'body', message: 'body must list at least one of paths and urls' }]);
      const base = found.kind === 'virtual' ? undefined : found.repo.config.base_url;
      const fromUrls = urls.map((url, i) => {
        if (base && url.startsWith(`${base}/`)) return url.slice(base.length + 1);
        throw invalid([{ path: `body.urls[${i}]`, message: `body.urls[${i}] is not under the base_url of ${remote}` }]);
      });
      const job = jobs.start(remote, [...paths, ...fromUrls]);
      return reply.code(202).send({ job: { id: job.id, total: job.total } });
    },
  });
}
