import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { AapiError } from '../errors.js';
import { errorHandler } from './error-handler.js';
import './request-context.js';
import { infoRoutes } from './routes/info-routes.js';
import { repositoryRoutes } from './routes/repository-routes.js';
import { virtualRoutes } from './routes/virtual-routes.js';
import type { ServerContext } from './server-context.js';

/** Levels at which the per-request line is written; checked first so a quiet server builds no log object. */
const VERBOSE_LEVELS = new Set(['info', 'debug', 'trace']);

/** Builds the fastify app without listening, so tests can `inject()` or listen on port 0. */
export async function buildApp(ctx: ServerContext, logger: FastifyBaseLogger): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    // One line per request comes from the onResponse hook below instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    exposeHeadRoutes: true,
    // Malformed percent-encoding never reaches a route; answer it in the product's error format.
    frameworkErrors: (error, request, reply) =>
      errorHandler(error.code === 'FST_ERR_BAD_URL' ? new AapiError('AAPI_ERR_PATH_INVALID', 'malformed percent-encoding') : error, request, reply),
  });
  app.decorateRequest('aapi', null);
  // close() only drops connections idle at that moment; one whose response was still running
  // turns idle later and would hold shutdown until keepAliveTimeout (72 s). Sweep until closed.
  app.addHook('preClose', (done) => {
    const sweep = setInterval(() => app.server.closeIdleConnections(), 50).unref();
    app.server.once('close', () => clearInterval(sweep));
    done();
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: { code: 'AAPI_ERR_NOT_FOUND', message: `No route for ${request.method} ${request.url.split('?')[0]}` } });
  });
  app.addHook('onResponse', async (request, reply) => {
    const artifact = request.aapi;
    const status = reply.statusCode;
    if (artifact) {
      ctx.metrics.requests.inc({ repo: artifact.repo, cache: artifact.cache ?? 'NONE', status });
      if (artifact.bytes) ctx.metrics.bytes.inc({ repo: artifact.repo }, artifact.bytes);
    }
    if (!VERBOSE_LEVELS.has(logger.level)) return;
    request.log.info(
      {
        method: request.method,
        url: request.url.split('?')[0],
        status,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ...artifact,
      },
      'request',
    );
  });
  await app.register(async (scope) => infoRoutes(scope, ctx));
  await app.register(async (scope) => repositoryRoutes(scope, ctx));
  await app.register(async (scope) => virtualRoutes(scope, ctx));
  return app;
}
