import type { FastifyInstance } from 'fastify';
import { redactString } from '../../config/index.js';
import { AapiError } from '../../errors.js';
import { REPOSITORY_PREFIX, splitRepoUrl } from '../repo-path.js';
import type { ServerContext } from '../server-context.js';
import { VIRTUAL_PREFIX } from './virtual-routes.js';

/**
 * POST and PATCH on a repository or virtual: 405 saying that only downloads are proxied, in the
 * repository's own error shape, instead of a parse error about the body. Clients POST to a
 * registry for things that are not artifacts (npm audit's advisory queries); forwarding those
 * would be an unbounded, uncacheable pass-through, so the message sends users to the upstream.
 */
export async function otherMethodRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  // The body is never read; no parser may fail on it first (npm audit sends gzipped JSON).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  for (const prefix of [REPOSITORY_PREFIX, VIRTUAL_PREFIX]) {
    app.route({
      method: ['POST', 'PATCH'],
      url: `${prefix}*`,
      handler: async (request) => {
        const { repo: name, path } = splitRepoUrl(request.raw.url ?? '', prefix);
        const repo = prefix === REPOSITORY_PREFIX ? ctx.repos.get(name) : undefined;
        const virtual = prefix === VIRTUAL_PREFIX ? ctx.virtuals.get(name) : undefined;
        if (!repo && !virtual) throw new AapiError('AAPI_ERR_REPO_NOT_FOUND', name);
        request.aapi = { repo: name, path };
        const upstream = repo && !repo.isLocal ? ` (${redactString(repo.config.base_url)})` : '';
        throw new AapiError(
          'AAPI_ERR_METHOD_NOT_ALLOWED',
          `${request.method} on ${name}: only downloads are proxied; send npm audit and other ${request.method} requests ` +
            `to the upstream registry${upstream} directly`,
          { headers: { allow: repo?.isLocal ? 'GET, HEAD, PUT, DELETE' : 'GET, HEAD' } },
        );
      },
    });
  }
}
