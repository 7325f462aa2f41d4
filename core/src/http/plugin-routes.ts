import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {
  EngineService,
  HttpMethod,
  PluginReply,
  PluginRequest,
  RouteScope,
  RoutesContext,
  ServedArtifact,
} from '@artifactapi/plugin-sdk';
import { readServed, type Served } from '../engine/index.js';
import { AapiError } from '../errors.js';
import { storedObject } from '../engine/stored-object.js';
import type { LoadedPlugin } from '../plugins/index.js';
import { enforce, isAuthenticated } from './access.js';
import type { ClaimedUrls } from './claimed-urls.js';
import { isAdmin } from './auth.js';
import { accessDeps, repositoryAccess, repositoryOfUrl, requireRead } from './repository-access.js';
import { publicBase } from './public-base.js';
import { REPOSITORY_PREFIX } from './repo-path.js';
import { repositoryRef } from './repository-ref.js';
import { sendServed } from './send-served.js';
import { redirectToStore } from './store-redirect.js';
import type { ServerContext } from './server-context.js';

const ORIGIN = Symbol('fastify request and reply');
const DEFAULT_READ_LIMIT = 16 * 1024 * 1024;

interface Wrapped {
  [ORIGIN]: { request: FastifyRequest; reply: FastifyReply };
}

/**
 * Mounts a plugin's `routes` in its own encapsulated fastify scope: bodies stay raw streams, and
 * the plugin's error handler (if it sets one) formats errors in this scope only. A URL that
 * clashes with another route fails at start, naming the plugin.
 */
export async function mountPluginRoutes(app: FastifyInstance, loaded: LoadedPlugin, ctx: ServerContext, claimed: ClaimedUrls): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    const routeScope: RouteScope = {
      route({ method, url, handler }) {
        try {
          scope.route({
            method: (Array.isArray(method) ? [...method] : [method]) as HttpMethod[],
            url,
            handler: async (request, reply) => {
              await guardRepositoryRead(ctx, request);
              await handler(wrapRequest(request, reply), wrapReply(request, reply));
              return reply;
            },
          });
        } catch (err) {
          throw new AapiError('AAPI_ERR_PLUGIN_FAILED', `${loaded.type}.routes: cannot mount ${url}: ${(err as Error).message}`, { cause: err });
        }
        claimed.claim(url);
      },
      setErrorHandler(handler) {
        scope.setErrorHandler(async (error, request, reply) => {
          await handler(error, wrapRequest(request, reply), wrapReply(request, reply));
          return reply;
        });
      },
    };
    const routesCtx: RoutesContext = {
      engine: engineService(ctx),
      uploads: ctx.service.uploads,
      log: ctx.logger.child({ plugin: loaded.type }),
      publicOrigin: (request) => publicBase(unwrap(request).request, ctx.config.public_url),
      isAdmin: (request) => isAdmin(unwrap(request).request, ctx.config.auth.admin_token),
      writable: ctx.config.auth.admin_token !== undefined,
      authorize: (request, repository, access) => repositoryAccess(ctx, authorizationOf(request), repository, access),
      async requireAccess(request, repository, access) {
        enforce(await repositoryAccess(ctx, authorizationOf(request), repository, access), repository, access);
      },
      authenticated: (request) => isAuthenticated(accessDeps(ctx), authorizationOf(request)),
    };
    try {
      await loaded.plugin.routes(routeScope, routesCtx);
    } catch (err) {
      if (err instanceof AapiError) throw err;
      throw new AapiError('AAPI_ERR_PLUGIN_FAILED', `${loaded.type}.routes: ${(err as Error).message}`, { cause: err });
    }
  });
}

/**
 * A plugin route under the core's repository URLs (puppet's Forge listings) reads a repository
 * like the core's route does, so it needs the same token when the repository asks for one.
 */
async function guardRepositoryRead(ctx: ServerContext, request: FastifyRequest): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return;
  const name = repositoryOfUrl(request.raw.url ?? '');
  if (name !== undefined) await requireRead(ctx, request.headers.authorization, name);
}

function authorizationOf(request: PluginRequest): string | undefined {
  const value = request.headers['authorization'];
  return Array.isArray(value) ? value[0] : value;
}

/** The engine service of the SDK, over the core's RepositoryService. */
function engineService(ctx: ServerContext): EngineService {
  const { service } = ctx;
  // What each answer was read from, so its request's log line and metrics name them as the core's own routes do.
  const readFrom = new WeakMap<ServedArtifact, { repo: string; path: string }>();
  return {
    resolve: (name) => repositoryRef(ctx, name),
    async get(repo, path, request = {}) {
      const found = service.resolve(repo);
      if (!found) throw new AapiError('AAPI_ERR_REPO_NOT_FOUND', repo);
      const location = `${found.kind === 'virtual' ? '/api/v1/virtual/' : REPOSITORY_PREFIX}${repo}`;
      const publicBaseOf = request.publicBase;
      const served = await service.get(found, path, {
        headers: request.headers ?? {},
        ...(publicBaseOf !== undefined ? { publicBase: () => publicBaseOf } : { publicBase: () => `${ctx.config.public_url ?? ''}${location}` }),
      });
      readFrom.set(served, { repo, path });
      return served;
    },
    put: async (repo, path, body, options = {}) => storedObject(await service.put(repo, path, body, options)),
    async publish(repo, request) {
      const { index, files } = await service.publish(repo, request);
      return { index: storedObject(index), files: files.map(storedObject) };
    },
    delete: (repo, path) => service.delete(repo, path),
    async list(repo, options = {}) {
      const page = await service.list(repo, options);
      return { objects: page.entries.map(storedObject), ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}) };
    },
    evict: async (repo, target) => ({ evicted: await service.evict(repo, target) }),
    async send(request, reply, served, options = {}) {
      const origin = unwrap(request);
      origin.request.aapi ??= readFrom.get(served) ?? null;
      if (options.headers) origin.reply.headers(options.headers);
      if (options.redirect === true && (await redirectToStore(ctx, origin.request, origin.reply, served as Served))) return;
      await sendServed(origin.request, origin.reply, served as Served, options.fileName);
    },
    read: (served: ServedArtifact, maxBytes = DEFAULT_READ_LIMIT) => readServed(served as Served, maxBytes),
  };
}

function wrapRequest(request: FastifyRequest, reply: FastifyReply): PluginRequest {
  const query: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, string | string[] | undefined>)) {
    query[key] = Array.isArray(value) ? value[0] : value;
  }
  const wrapped: PluginRequest & Wrapped = {
    method: request.method,
    url: request.url,
    params: (request.params ?? {}) as Record<string, string | undefined>,
    query,
    headers: request.headers,
    body: (request.body as Readable | undefined) ?? request.raw,
    [ORIGIN]: { request, reply },
  };
  return wrapped;
}

function wrapReply(request: FastifyRequest, reply: FastifyReply): PluginReply {
  const wrapped: PluginReply & Wrapped = {
    status(code) {
      reply.code(code);
      return this;
    },
    header(name, value) {
      reply.header(name, value);
      return this;
    },
    async send(body) {
      await reply.send(body);
    },
    get sent() {
      return reply.sent;
    },
    [ORIGIN]: { request, reply },
  };
  return wrapped;
}

function unwrap(value: PluginRequest | PluginReply): Wrapped[typeof ORIGIN] {
  const origin = (value as Partial<Wrapped>)[ORIGIN];
  if (!origin) throw new AapiError('AAPI_ERR_PLUGIN_FAILED', 'a request or reply not made by the core was passed to the engine service');
  return origin;
}
