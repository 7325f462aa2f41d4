import type { FastifyInstance } from 'fastify';
import { AapiError } from '../../errors.js';
import type { StoredToken, TokenScope } from '../../metadata/index.js';
import type { ServerContext } from '../server-context.js';
import { errorResponses } from './api-schemas.js';
import { invalid } from './api-validation.js';
import { createdTokenSchema, tokenIdParams, tokenInputSchema, tokenSchema } from './token-schemas.js';

interface TokenBody {
  name: string;
  scopes: TokenScope[];
  expires_at?: string | null;
}

/** `/api/v2/tokens`: create (the secret is in that answer only), list, revoke (DESIGN §10). */
export async function tokenRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/tokens', {
    schema: {
      tags: ['tokens'],
      summary: 'List named tokens (never their secrets)',
      response: { 200: { type: 'object', required: ['tokens'], properties: { tokens: { type: 'array', items: tokenSchema } } }, ...errorResponses },
    },
    handler: async () => ({ tokens: (await ctx.tokens.list()).map(presentToken) }),
  });

  app.post('/tokens', {
    schema: {
      tags: ['tokens'],
      summary: 'Create a named token with read or write scopes on listed repositories; the answer shows its secret, once',
      body: tokenInputSchema,
      response: { 201: createdTokenSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const body = request.body as TokenBody;
      const expiresAt = body.expires_at === undefined || body.expires_at === null ? null : Date.parse(body.expires_at);
      if (expiresAt !== null && !(expiresAt > Date.now())) {
        throw invalid([{ path: 'body.expires_at', message: 'body.expires_at must be in the future' }]);
      }
      const { token, secret } = await ctx.tokens.create({ name: body.name, scopes: body.scopes, expiresAt });
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ ...presentToken(token), token: secret });
    },
  });

  app.delete('/tokens/:id', {
    schema: {
      tags: ['tokens'],
      summary: 'Revoke a token: refused on every replica within a second',
      params: tokenIdParams,
      response: errorResponses,
    },
    handler: async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!(await ctx.tokens.revoke(id))) throw new AapiError('AAPI_ERR_NOT_FOUND', 'no token with this id', { path: 'id' });
      return reply.code(204).send();
    },
  });
}

function presentToken(token: StoredToken) {
  return {
    id: token.id,
    name: token.name,
    scopes: token.scopes,
    created_at: new Date(token.createdAt).toISOString(),
    expires_at: token.expiresAt === null ? null : new Date(token.expiresAt).toISOString(),
    last_used_at: token.lastUsedAt === null ? null : new Date(token.lastUsedAt).toISOString(),
  };
}
