import type { FastifyInstance, RouteOptions } from 'fastify';
import type { ApiRouteConfig } from './api-validation.js';

type Schema = Record<string, unknown>;

interface RouteSchema {
  summary?: string;
  description?: string;
  tags?: string[];
  body?: Schema;
  querystring?: Schema;
  params?: Schema;
  response?: Record<string, Schema>;
}

/** One route as the document describes it. */
interface DocumentedRoute {
  method: string;
  url: string;
  schema: RouteSchema;
  config: ApiRouteConfig;
}

/**
 * Collects the routes registered in `scope` (and its children) with their schemas, and renders
 * them as an OpenAPI 3.1 document, whose Schema Objects are JSON Schema 2020-12 like the route
 * schemas themselves: the document is made of the very objects that validate requests.
 */
export class OpenApiDocument {
  readonly #routes: DocumentedRoute[] = [];
  #rendered: Schema | undefined;

  constructor(private readonly info: { title: string; version: string }) {}

  /** Registers the onRoute hook; call before the routes are added. */
  collect(scope: FastifyInstance): void {
    scope.addHook('onRoute', (route: RouteOptions) => {
      const config = (route.config ?? {}) as ApiRouteConfig;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method === 'HEAD' || config.hidden) continue;
        this.#routes.push({ method: method.toLowerCase(), url: route.url, schema: (route.schema ?? {}) as RouteSchema, config });
      }
    });
  }

  /** Every documented route as `METHOD /url` (fastify's `:param` spelling), for tests. */
  routes(): string[] {
    return this.#routes.map((r) => `${r.method.toUpperCase()} ${r.url}`);
  }

  render(): Schema {
    this.#rendered ??= this.#build();
    return this.#rendered;
  }

  #build(): Schema {
    const paths: Record<string, Record<string, Schema>> = {};
    for (const route of this.#routes) {
      const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}');
      (paths[path] ??= {})[route.method] = operation(route);
    }
    return {
      openapi: '3.1.0',
      jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
      info: { ...this.info, description: 'ArtifactAPI management API (DESIGN §8). Every /api/v2 route but this document needs the admin token.' },
      components: { securitySchemes: { admin: { type: 'http', scheme: 'bearer', description: 'auth.admin_token' } } },
      paths,
    };
  }
}

function operation(route: DocumentedRoute): Schema {
  const { schema } = route;
  const parameters: Schema[] = [];
  for (const [where, part] of [
    ['path', schema.params],
    ['query', schema.querystring],
  ] as const) {
    const properties = (part?.['properties'] ?? {}) as Record<string, Schema>;
    const required = new Set((part?.['required'] as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries(properties)) {
      const { description, ...rest } = property;
      parameters.push({ name, in: where, required: where === 'path' || required.has(name), schema: rest, ...(description ? { description } : {}) });
    }
  }
  if (route.url.endsWith('*')) parameters.push({ name: 'path', in: 'path', required: true, schema: { type: 'string' } });
  const responses: Record<string, Schema> = {};
  for (const [status, body] of Object.entries(schema.response ?? {})) {
    const code = status.replace(/xx$/, 'XX');
    const type = code === '200' && route.config.produces ? route.config.produces : 'application/json';
    responses[code] = { description: describe(code), content: { [type]: { schema: body } } };
  }
  if (Object.keys(responses).every((c) => !c.startsWith('2'))) responses['204'] = { description: 'No content' };
  const op: Schema = {
    operationId: `${route.method}${route.url.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(schema.summary ? { summary: schema.summary } : {}),
    ...(schema.description ? { description: schema.description } : {}),
    ...(schema.tags ? { tags: schema.tags } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(schema.body ? { requestBody: { required: true, content: { 'application/json': { schema: schema.body } } } } : {}),
    responses,
  };
  if (route.url !== '/api/v2/openapi.json') op['security'] = [{ admin: [] }];
  return op;
}

function describe(code: string): string {
  if (code === '4XX') return 'Client error (key path and stable code in the body)';
  if (code === '5XX') return 'Server or backend error';
  if (code === '201') return 'Created';
  if (code === '202') return 'Accepted';
  return 'OK';
}
