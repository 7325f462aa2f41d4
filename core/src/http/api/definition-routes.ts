import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ConfigError } from '../../config/index.js';
import { AapiError } from '../../errors.js';
import type { RepositoryKind } from '../../engine/index.js';
import type { ServerContext } from '../server-context.js';
import { errorResponses, nameParams, remoteInputSchema, remoteSchema, virtualInputSchema, virtualSchema } from './api-schemas.js';
import { invalid, toApiError, type ApiRouteConfig } from './api-validation.js';
import { definitionFromBody, presentRemote, presentVirtual } from './present.js';

type Body = Record<string, unknown>;

/** `/api/v2/remotes` and `/api/v2/virtuals`: list, read, create, replace, delete (DESIGN §8). */
export async function definitionRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const kinds = [
    { kind: 'remote', plural: 'remotes', input: remoteInputSchema, output: remoteSchema, tag: 'remotes' },
    { kind: 'virtual', plural: 'virtuals', input: virtualInputSchema, output: virtualSchema, tag: 'virtuals' },
  ] as const;

  for (const { kind, plural, input, output, tag } of kinds) {
    const present = (name: string): Body | undefined => {
      const source = ctx.catalog.source(name) ?? 'api';
      if (kind === 'remote') {
        const repo = ctx.repos.get(name);
        return repo && presentRemote(repo.config, source);
      }
      const virtual = ctx.virtuals.get(name);
      return virtual && presentVirtual(virtual, source);
    };
    const required = (name: string): Body => {
      const found = present(name);
      if (!found) throw new AapiError('AAPI_ERR_REPOSITORY_NOT_FOUND', `no ${kind} named ${name}`, { path: 'name' });
      return found;
    };
    const config: ApiRouteConfig = { definition: plural };

    app.get(`/${plural}`, {
      schema: {
        tags: [tag],
        summary: `List ${plural} (from the config file and from this API)`,
        response: { 200: { type: 'object', required: [plural], properties: { [plural]: { type: 'array', items: output } } }, ...errorResponses },
      },
      handler: async () => {
        const names = kind === 'remote' ? [...ctx.repos.keys()] : [...ctx.virtuals.keys()];
        return { [plural]: names.sort().map((name) => present(name)!) };
      },
    });

    app.get(`/${plural}/:name`, {
      schema: { tags: [tag], summary: `Read one ${kind} (credentials hidden)`, params: nameParams, response: { 200: output, ...errorResponses } },
      handler: async (request) => required((request.params as { name: string }).name),
    });

    // A body the schema refuses is checked the config file's way too, so one answer names every problem.
    const refused = (request: FastifyRequest, name: string | undefined): void => {
      const error = request.validationError;
      if (!error) return;
      const body = request.body;
      if (typeof name === 'string' && name !== '' && body !== null && typeof body === 'object' && !Array.isArray(body)) {
        const definition = definitionFromBody(body as Body);
        try {
          ctx.catalog.check(kind, name, definition);
        } catch (err) {
          if (err instanceof ConfigError) throw invalid(err.issues.map((i) => ({ path: i.path, message: i.message })));
          throw err;
        }
      }
      throw toApiError(error, request);
    };

    app.post(`/${plural}`, {
      config,
      attachValidation: true,
      schema: {
        tags: [tag],
        summary: `Create a ${kind}; it serves on every replica at once and survives restarts`,
        body: { ...input, required: [...((input['required'] as string[] | undefined) ?? []), 'name'] },
        response: { 201: output, ...errorResponses },
      },
      handler: async (request, reply) => {
        const body = request.body as Body;
        refused(request, typeof body?.['name'] === 'string' ? body['name'] : undefined);
        const name = body['name'] as string;
        await write(() => ctx.catalog.create(kind, name, definitionFromBody(body)), plural, name);
        return reply.code(201).send(required(name));
      },
    });

    app.put(`/${plural}/:name`, {
      config,
      attachValidation: true,
      schema: {
        tags: [tag],
        summary: `Replace a ${kind} created through this API (name from the URL; a credential sent back as ******** is kept)`,
        params: nameParams,
        body: input,
        response: { 200: output, ...errorResponses },
      },
      handler: async (request) => {
        const { name } = request.params as { name: string };
        const body = request.body as Body;
        refused(request, name);
        if (body['name'] !== undefined && body['name'] !== name) {
          throw invalid([{ path: `${plural}.${name}.name`, message: `${plural}.${name}.name must be ${name} (the name in the URL), got ${JSON.stringify(body['name'])}` }]);
        }
        const stored = ctx.catalog.definition(name)?.definition;
        await write(() => ctx.catalog.replace(kind, name, definitionFromBody(body, stored)), plural, name);
        return required(name);
      },
    });

    app.delete(`/${plural}/:name`, {
      schema: { tags: [tag], summary: `Delete a ${kind} created through this API (what it cached stays)`, params: nameParams, response: errorResponses },
      handler: async (request, reply) => {
        const { name } = request.params as { name: string };
        if (!present(name) && ctx.catalog.source(name) !== 'config') required(name);
        await ctx.catalog.remove(kind as RepositoryKind, name);
        return reply.code(204).send();
      },
    });
  }
}

/** Runs a catalog write; a refused definition becomes the API's 400 with every key path. */
async function write(step: () => Promise<void>, plural: string, name: string): Promise<void> {
  try {
    await step();
  } catch (err) {
    if (err instanceof ConfigError) {
      throw invalid(err.issues.map((issue) => ({ path: issue.path === '' ? `${plural}.${name}` : issue.path, message: issue.message })));
    }
    throw err;
  }
}
