import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { AapiError } from '../../errors.js';
import type { ServerContext } from '../server-context.js';
import { errorResponses } from './api-schemas.js';
import { requireApiAdmin } from './api-auth.js';
import { toApiError, useApiValidation } from './api-validation.js';
import { CacheJobs } from './cache-jobs.js';
import { definitionRoutes } from './definition-routes.js';
import { eventRoutes } from './event-routes.js';
import { objectRoutes } from './object-routes.js';
import { OpenApiDocument } from './openapi.js';
import { ReplicaEvents } from './replica-events.js';
import { ReplicaStats } from './replica-stats.js';
import { seedRoutes } from './seed-routes.js';
import { statusRoutes } from './status-routes.js';
import { tokenRoutes } from './token-routes.js';

export const API_PREFIX = '/api/v2';

/**
 * The management API (DESIGN §8, api-contract.md) and the seeds' endpoints, in one scope whose
 * routes validate requests and responses with their schemas and are collected into the OpenAPI
 * document at /api/v2/openapi.json.
 */
export async function managementApi(scope: FastifyInstance, ctx: ServerContext): Promise<void> {
  useApiValidation(scope);
  const document = new OpenApiDocument({ title: 'ArtifactAPI management API', version: ctx.version });
  document.collect(scope);
  // Validation errors become the API's 400 with key paths; the app's handler writes every error.
  scope.setErrorHandler((error: FastifyError, request: FastifyRequest) => {
    throw toApiError(error, request);
  });
  const replicas = new ReplicaStats(ctx.metrics, ctx.backends.coord, ctx.logger);
  await replicas.start();
  const replicaEvents = new ReplicaEvents(ctx.engine.events, ctx.backends.coord, ctx.logger);
  replicaEvents.start();
  scope.addHook('onClose', async () => {
    await replicas.stop();
    await replicaEvents.stop();
  });
  const jobs = new CacheJobs(ctx.service, ctx.engine.events, ctx.logger);

  await scope.register(
    async (api) => {
      api.addHook('onRequest', async (request) => {
        if (request.routeOptions.url === `${API_PREFIX}/openapi.json`) return;
        const config = request.routeOptions.config as { queryToken?: boolean };
        requireApiAdmin(request, ctx.config.auth.admin_token, config.queryToken === true);
      });
      api.get('/openapi.json', {
        schema: { tags: ['meta'], summary: 'This document (no token needed)', response: { 200: { type: 'object', required: ['openapi', 'paths'] }, ...errorResponses } },
        handler: async () => document.render(),
      });
      await api.register(async (s) => definitionRoutes(s, ctx));
      await api.register(async (s) => objectRoutes(s, ctx));
      await api.register(async (s) => statusRoutes(s, ctx, replicas));
      await api.register(async (s) => eventRoutes(s, ctx));
      await api.register(async (s) => tokenRoutes(s, ctx));
      api.get('/jobs/:id', {
        schema: {
          tags: ['jobs'],
          summary: 'A batch job (POST /cache-artifact): progress and the paths that failed',
          params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
          response: {
            200: {
              type: 'object',
              required: ['id', 'repo', 'state', 'done', 'total', 'failed', 'errors'],
              properties: {
                id: { type: 'string' },
                repo: { type: 'string' },
                state: { enum: ['running', 'done'] },
                done: { type: 'integer' },
                total: { type: 'integer' },
                failed: { type: 'integer' },
                errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
              },
            },
            ...errorResponses,
          },
        },
        handler: async (request) => {
          const job = jobs.get((request.params as { id: string }).id);
          if (!job) throw new AapiError('AAPI_ERR_NOT_FOUND', 'no such job', { path: 'id' });
          return job;
        },
      });
    },
    { prefix: API_PREFIX },
  );
  await scope.register(async (s) => seedRoutes(s, ctx, jobs));
}
