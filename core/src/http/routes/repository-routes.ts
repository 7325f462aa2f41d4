import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AapiError } from '../../errors.js';
import { requireWrite } from '../auth.js';
import { handedError } from '../direct-get.js';
import { accessDeps, requireRead } from '../repository-access.js';
import { requestView } from '../public-base.js';
import { fileNameOf, REPOSITORY_PREFIX as PREFIX, splitRepoUrl } from '../repo-path.js';
import { sendServed } from '../send-served.js';
import type { ServerContext } from '../server-context.js';

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const SEED_PREFIX = '/api/';

/** `/api/v1/remote/{repo}/{path}`: GET/HEAD on every repository, PUT/DELETE on local ones. Parses, calls the service, writes. */
export async function repositoryRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  // Uploads are streamed to storage as they arrive; no body is parsed or buffered.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  const target = (request: FastifyRequest, url = request.raw.url ?? ''): { name: string; path: string } => {
    const { repo: name, path } = splitRepoUrl(url, PREFIX);
    request.aapi = { repo: name, path };
    return { name, path };
  };

  const get = async (request: FastifyRequest, reply: FastifyReply, url?: string) => {
    const { name, path } = target(request, url);
    // An error the hot path met serving this request itself (direct-get.ts): answered here, not asked again.
    const handed = handedError(request.raw);
    if (handed !== undefined) throw handed;
    const found = ctx.service.resolve(name);
    // Virtual repositories have their own URL space.
    if (!found || found.kind === 'virtual') throw new AapiError('AAPI_ERR_REPO_NOT_FOUND', name);
    await requireRead(ctx, request.headers.authorization, name);
    const served = await ctx.service.get(found, path, requestView(request, ctx.config, `${PREFIX}${name}`));
    return sendServed(request, reply, served, fileNameOf(path));
  };
  app.route({ method: ['GET', 'HEAD'], url: `${PREFIX}*`, handler: (request, reply) => get(request, reply) });
  // The Python seeds' short form, kept for scripts that use it: /api/{repo}/{path} is /api/v1/remote/{repo}/{path}.
  app.route({
    method: ['GET', 'HEAD'],
    url: `${SEED_PREFIX}:repo/*`,
    handler: (request, reply) => {
      // /api/v1/… and /api/v2/… paths that no route has are not repositories named v1 or v2.
      const { repo } = request.params as { repo: string };
      if (repo === 'v1' || repo === 'v2') throw new AapiError('AAPI_ERR_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`);
      return get(request, reply, PREFIX + (request.raw.url ?? '').slice(SEED_PREFIX.length));
    },
  });

  app.put(`${PREFIX}*`, async (request, reply) => {
    const { name, path } = target(request);
    ctx.service.local(name, 'PUT');
    await requireWrite(request, accessDeps(ctx), name);
    const sha256 = header(request, 'x-checksum-sha256');
    if (sha256 !== undefined && !SHA256_HEX.test(sha256)) {
      throw new AapiError('AAPI_ERR_REQUEST_INVALID', 'X-Checksum-Sha256 must be 64 hex digits');
    }
    const length = header(request, 'content-length');
    const entry = await ctx.service.put(name, path, request.raw, {
      sha256,
      contentType: header(request, 'content-type'),
      length: length === undefined ? undefined : Number(length),
    });
    return created(reply, entry.digest, entry.size);
  });

  app.delete(`${PREFIX}*`, async (request, reply) => {
    const { name, path } = target(request);
    ctx.service.local(name, 'DELETE');
    await requireWrite(request, accessDeps(ctx), name);
    if (!(await ctx.service.delete(name, path))) throw new AapiError('AAPI_ERR_NOT_FOUND', `${name}/${path}`);
    return reply.code(204).send();
  });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function created(reply: FastifyReply, digest: string, size: number) {
  return reply.code(201).send({ digest: `sha256:${digest}`, size });
}
