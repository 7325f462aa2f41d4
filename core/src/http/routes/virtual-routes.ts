import type { FastifyInstance } from 'fastify';
import { AapiError } from '../../errors.js';
import { requestView } from '../public-base.js';
import { requireRead } from '../repository-access.js';
import { fileNameOf, splitRepoUrl } from '../repo-path.js';
import { sendServed } from '../send-served.js';
import type { ServerContext } from '../server-context.js';

export const VIRTUAL_PREFIX = '/api/v1/virtual/';
const PREFIX = VIRTUAL_PREFIX;

/** `/api/v1/virtual/{repo}/{path}`: the service answers from the members in order (or merged). */
export async function virtualRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.route({
    method: ['GET', 'HEAD'],
    url: `${PREFIX}*`,
    handler: async (request, reply) => {
      const { repo: name, path } = splitRepoUrl(request.raw.url ?? '', PREFIX);
      request.aapi = { repo: name, path };
      const found = ctx.service.resolve(name);
      if (found?.kind !== 'virtual') throw new AapiError('AAPI_ERR_REPO_NOT_FOUND', name);
      await requireRead(ctx, request.headers.authorization, name);
      // Rewritten documents point back at the virtual repository, so follow-up downloads try every member too.
      const served = await ctx.service.get(found, path, requestView(request, ctx.config, `${PREFIX}${name}`));
      if (served.member) reply.header('x-artifact-member', served.member);
      return sendServed(request, reply, served, fileNameOf(path));
    },
  });
}
