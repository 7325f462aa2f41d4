import type { FastifyInstance } from 'fastify';
import type { Served } from '../../engine/index.js';
import { AapiError, isAapiError } from '../../errors.js';
import { requestView } from '../public-base.js';
import { fileNameOf, splitRepoUrl } from '../repo-path.js';
import { sendServed } from '../send-served.js';
import type { ServerContext } from '../server-context.js';

export const VIRTUAL_PREFIX = '/api/v1/virtual/';
const PREFIX = VIRTUAL_PREFIX;

/** Answers from a repository's members, in the order listed. */
export async function virtualRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.route({
    method: ['GET', 'HEAD'],
    url: `${PREFIX}*`,
    handler: async (request, reply) => {
      const { repo: name, path } = splitRepoUrl(request.raw.url ?? '', PREFIX);
      const virtual = ctx.virtuals.get(name);
      if (!virtual) throw new AapiError('AAPI_ERR_REPO_NOT_FOUND', name);
      request.aapi = { repo: name, path };
      // Rewritten documents point back at the virtual repository, so follow-up downloads try every member too.
      const view = requestView(request, ctx.config, `${PREFIX}${name}`);
      let lastMiss: AapiError | undefined;
      for (const memberName of virtual.members) {
        const member = ctx.repos.get(memberName);
        if (!member) continue;
        let served: Served;
        try {
          served = await ctx.engine.get(member, path, view);
        } catch (err) {
          // A member that does not have (or may not serve) the path lets the next one try.
          if (isAapiError(err) && (err.status === 404 || err.code === 'AAPI_ERR_PATH_DENIED')) {
            lastMiss = err;
            continue;
          }
          throw err;
        }
        reply.header('x-artifact-member', memberName);
        return sendServed(request, reply, served, fileNameOf(path));
      }
      throw lastMiss?.status === 404 || !lastMiss ? new AapiError('AAPI_ERR_NOT_FOUND', `${name}/${path}`) : lastMiss;
    },
  });
}
