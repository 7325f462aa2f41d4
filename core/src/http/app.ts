import { createServer } from '../node-http.js';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { AapiError } from '../errors.js';
import { managementApi } from './api/management-api.js';
import { ClaimedUrls } from './claimed-urls.js';
import { handedSince } from './direct-get.js';
import { createErrorHandler } from './error-handler.js';
import { FastLane } from './fast-lane.js';
import { HotPath } from './hot-path.js';
import { mountPluginRoutes } from './plugin-routes.js';
import { refuseOwnRequests } from './loop-guard.js';
import './request-context.js';
import { RequestLog } from './request-log.js';
import { toOriginForm } from './origin-form.js';
import { infoRoutes } from './routes/info-routes.js';
import { otherMethodRoutes } from './routes/other-method-routes.js';
import { repositoryRoutes } from './routes/repository-routes.js';
import { virtualRoutes } from './routes/virtual-routes.js';
import type { ServerContext } from './server-context.js';
import { uiBundleDir, uiRoutes } from './ui-routes.js';

/** Builds the fastify app without listening, so tests can `inject()` or listen on port 0. */
export async function buildApp(ctx: ServerContext, logger: FastifyBaseLogger): Promise<FastifyInstance> {
  const requestLog = new RequestLog(ctx.metrics, ctx.engine.events);
  const claimed = new ClaimedUrls();
  const hotPath = new HotPath(ctx, logger, requestLog, claimed);
  // Errors on a repository take its plugin's body shape (npm clients print only a string `error`).
  const errorHandler = createErrorHandler((request) => {
    const name = request.aapi?.repo;
    if (name === undefined) return undefined;
    const type = ctx.repos.get(name)?.config.package ?? ctx.virtuals.get(name)?.package;
    // optional: a plugin built with an SDK older than the hook has none
    return type === undefined ? undefined : ctx.plugins.get(type)?.plugin.errorBody;
  });
  let lane: FastLane | undefined;
  const app = Fastify({
    // Hot hits are answered before fastify sees them; the server settings are fastify's own.
    serverFactory: (handler, options) => {
      const server = createServer((req, res) => {
        // Hot hits come in origin form, so the rewrite costs them nothing.
        if (hotPath.handle(req, res, handler)) return;
        toOriginForm(req);
        handler(req, res);
      });
      // fastify passes its options with its defaults filled in; its types do not say so.
      const timeouts = options as { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number };
      server.keepAliveTimeout = timeouts.keepAliveTimeout ?? server.keepAliveTimeout;
      server.requestTimeout = timeouts.requestTimeout ?? server.requestTimeout;
      server.setTimeout(timeouts.connectionTimeout ?? 0);
      lane = FastLane.install(server, hotPath, logger);
      return server;
    },
    loggerInstance: logger,
    // One line per request comes from the onResponse hook below instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // X-Forwarded-Host / -Proto only from the configured proxies (request.host, .protocol, .ip).
    trustProxy: ctx.config.server.trust_proxy,
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
    hotPath.close();
    lane?.close();
    const sweep = setInterval(() => app.server.closeIdleConnections(), 50).unref();
    app.server.once('close', () => clearInterval(sweep));
    done();
  });
  app.setErrorHandler(errorHandler);
  refuseOwnRequests(app, ctx.via);
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: { code: 'AAPI_ERR_NOT_FOUND', message: `No route for ${request.method} ${request.url.split('?')[0]}` } });
  });
  app.addHook('onResponse', async (request, reply) => {
    // A request the hot path handed over with its error counts from when it came.
    const since = handedSince(request.raw);
    const line = { method: request.method, url: request.url, status: reply.statusCode, ms: since === undefined ? reply.elapsedTime : performance.now() - since };
    requestLog.record(request.log, line, request.aapi);
  });
  await app.register(async (scope) => infoRoutes(scope, ctx));
  await app.register(async (scope) => repositoryRoutes(scope, ctx));
  await app.register(async (scope) => virtualRoutes(scope, ctx));
  await app.register(async (scope) => otherMethodRoutes(scope, ctx));
  // /api/v2 (DESIGN §8) and the Python seeds' management endpoints, with their OpenAPI document.
  await app.register(async (scope) => managementApi(scope, ctx));
  await app.register(async (scope) => uiRoutes(scope, { root: uiBundleDir() }));
  // Protocol surfaces of apiVersion 2 plugins (docker /v2, terraform discovery), each in its own scope.
  for (const loaded of ctx.plugins.list()) if (loaded.plugin.hasRoutes) await mountPluginRoutes(app, loaded, ctx, claimed);
  return app;
}
