import type { FastifyInstance } from 'fastify';
import { normaliseRepoPath, type BrowseOptions } from '../../engine/index.js';
import { AapiError } from '../../errors.js';
import type { ServerContext } from '../server-context.js';
import { errorResponses, evictedSchema, evictQuery, nameParams, objectsPageSchema, objectsQuery } from './api-schemas.js';
import { invalid } from './api-validation.js';
import { presentObject } from './present.js';

/** `/api/v2/remotes/{name}/objects`: browse what a repository holds (keyset pages), evict by path or prefix. */
export async function objectRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/remotes/:name/objects', {
    schema: {
      tags: ['objects'],
      summary: 'Cached objects of a remote or local repository, a page at a time (keyset pagination: next_cursor)',
      params: nameParams,
      querystring: objectsQuery,
      response: { 200: objectsPageSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { name } = request.params as { name: string };
      storageRepository(ctx, name);
      const page = await ctx.service.browse(name, request.query as BrowseOptions);
      return { objects: page.entries.map(presentObject), next_cursor: page.nextCursor ?? null };
    },
  });

  app.delete('/remotes/:name/objects', {
    schema: {
      tags: ['objects'],
      summary: 'Evict one path (?path=) or every path under a prefix (?prefix=); the next GET goes upstream on every replica',
      params: nameParams,
      querystring: evictQuery,
      response: { 200: evictedSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { name } = request.params as { name: string };
      const { path, prefix } = request.query as { path?: string; prefix?: string };
      if ((path === undefined) === (prefix === undefined)) {
        throw invalid([{ path: 'querystring', message: 'querystring must name exactly one of path and prefix' }]);
      }
      storageRepository(ctx, name);
      const evicted = await ctx.service.evict(name, path !== undefined ? { path: normaliseRepoPath(path.replace(/^\/+/, '')) } : { prefix: prefix! });
      return { evicted };
    },
  });
}

/** A remote or local repository by name, in the API's own 404. */
export function storageRepository(ctx: ServerContext, name: string) {
  const repo = ctx.repos.get(name);
  if (!repo) throw new AapiError('AAPI_ERR_REPOSITORY_NOT_FOUND', `no remote or local repository named ${name}`, { path: 'name' });
  return repo;
}
