import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RepoRuntime } from '../../engine/index.js';
import { AapiError } from '../../errors.js';
import { requireAdmin } from '../auth.js';
import { requestView } from '../public-base.js';
import { fileNameOf, REPOSITORY_PREFIX as PREFIX, splitRepoUrl } from '../repo-path.js';
import { sendServed } from '../send-served.js';
import type { ServerContext } from '../server-context.js';

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** `/api/v1/remote/{repo}/{path}`: GET/HEAD on every repository, PUT/DELETE on local ones. */
export async function repositoryRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  // Uploads are streamed to storage as they arrive; no body is parsed or buffered.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  const target = (request: FastifyRequest): { repo: RepoRuntime; path: string } => {
    const { repo: name, path } = splitRepoUrl(request.raw.url ?? '', PREFIX);
    const repo = ctx.repos.get(name);
    if (!repo) throw new AapiError('AAPI_ERR_REPO_NOT_FOUND', name);
    request.aapi = { repo: name, path };
    return { repo, path };
  };

  app.route({
    method: ['GET', 'HEAD'],
    url: `${PREFIX}*`,
    handler: async (request, reply) => {
      const { repo, path } = target(request);
      const served = await ctx.engine.get(repo, path, requestView(request, ctx.config, `${PREFIX}${repo.name}`));
      return sendServed(request, reply, served, fileNameOf(path));
    },
  });

  app.put(`${PREFIX}*`, async (request, reply) => {
    const { repo, path } = localTarget(request, target);
    requireAdmin(request, ctx.config.auth.admin_token);
    const sha256 = header(request, 'x-checksum-sha256');
    if (sha256 !== undefined && !SHA256_HEX.test(sha256)) {
      throw new AapiError('AAPI_ERR_REQUEST_INVALID', 'X-Checksum-Sha256 must be 64 hex digits');
    }
    const length = header(request, 'content-length');
    const entry = await ctx.engine.put(repo, path, request.raw, {
      sha256,
      contentType: header(request, 'content-type'),
      length: length === undefined ? undefined : Number(length),
    });
    return created(reply, entry.digest, entry.size);
  });

  app.delete(`${PREFIX}*`, async (request, reply) => {
    const { repo, path } = localTarget(request, target);
    requireAdmin(request, ctx.config.auth.admin_token);
    if (!(await ctx.engine.delete(repo, path))) throw new AapiError('AAPI_ERR_NOT_FOUND', `${repo.name}/${path}`);
    return reply.code(204).send();
  });
}

function localTarget(request: FastifyRequest, target: (r: FastifyRequest) => { repo: RepoRuntime; path: string }) {
  const found = target(request);
  if (!found.repo.isLocal) {
    throw new AapiError('AAPI_ERR_METHOD_NOT_ALLOWED', `${request.method} on remote repository ${found.repo.name}; only local repositories accept uploads`);
  }
  return found;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function created(reply: FastifyReply, digest: string, size: number) {
  return reply.code(201).send({ digest: `sha256:${digest}`, size });
}
