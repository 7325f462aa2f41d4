import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { translateAjvErrors } from '../../config/ajv-issues.js';
import { AapiError } from '../../errors.js';

/** How a route names the fields of its body in error paths: config key paths for repository definitions. */
export interface ApiRouteConfig {
  /** `remotes` / `virtuals`: body errors are named `remotes.<name>.<key>`, as check-config names them. */
  definition?: 'remotes' | 'virtuals';
  /** Left out of the OpenAPI document (HEAD twins, aliases). */
  hidden?: boolean;
  /** What the OpenAPI document says the 200 response is, when it is not JSON (the event stream). */
  produces?: string;
}

function ajv(coerce: boolean): Ajv2020 {
  const instance = new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: false,
    allowUnionTypes: true,
    // Query strings and path parameters are text; bodies are JSON and must have the right types.
    coerceTypes: coerce,
    useDefaults: coerce,
    formats: { 'date-time': true },
  });
  instance.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
  return instance;
}

/**
 * Every request part and every response body of the API is checked against its route schema with
 * ajv (the same schemas the OpenAPI document is made of). A response that does not fit is a bug:
 * it is answered as a 500 rather than sent.
 */
export function useApiValidation(scope: FastifyInstance): void {
  const text = ajv(true);
  const json = ajv(false);
  const responses = ajv(false);
  scope.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? json : text).compile(schema as object));
  scope.setSerializerCompiler(({ schema, url, method, httpStatus }) => {
    const validate: ValidateFunction = responses.compile(schema as object);
    return (data: unknown) => {
      if (!validate(data)) {
        const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
        throw new AapiError('AAPI_ERR_INTERNAL', `the ${httpStatus} response of ${method} ${url} does not fit its schema: ${problems}`);
      }
      return JSON.stringify(data);
    };
  });
  scope.setSchemaErrorFormatter((errors, context) => {
    const err = new Error(`${context} is invalid`) as Error & { validation: ErrorObject[]; validationContext: string };
    err.validation = errors as ErrorObject[];
    err.validationContext = context;
    return err;
  });
}

/** A fastify validation error as the API's 400: every problem by key path. Other errors pass unchanged. */
export function toApiError(error: FastifyError | Error, request: FastifyRequest): Error {
  const validation = (error as FastifyError).validation as ErrorObject[] | undefined;
  if (!validation) return error;
  const context = String((error as FastifyError).validationContext ?? 'body');
  const data = context === 'body' ? request.body : context === 'querystring' ? request.query : context === 'params' ? request.params : request.headers;
  const config = request.routeOptions.config as ApiRouteConfig;
  const named = context === 'body' && config.definition !== undefined ? definitionName(request) : undefined;
  // Wrapped so that paths read from the top: `remotes.x.base_url` as check-config names it, else `querystring.limit`.
  const segments = named === undefined ? [context] : [config.definition!, named];
  const wrapped = segments.reduceRight<unknown>((inner, key) => ({ [key]: inner }), data);
  const pointer = segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  const issues = translateAjvErrors(
    validation.map((e) => ({ ...e, instancePath: pointer + e.instancePath })),
    wrapped,
  );
  return invalid(issues);
}

/** 400 AAPI_ERR_REQUEST_INVALID listing each problem; `path` names the first. */
export function invalid(issues: { path: string; message: string }[]): AapiError {
  const summary = issues.map((i) => i.message).join('; ');
  return new AapiError('AAPI_ERR_REQUEST_INVALID', summary, { details: issues, ...(issues[0] ? { path: issues[0].path } : {}) });
}

/** The repository name of a definition request: from the URL (PUT), else from the body (POST). */
function definitionName(request: FastifyRequest): string | undefined {
  const fromUrl = (request.params as { name?: unknown } | undefined)?.name;
  if (typeof fromUrl === 'string') return fromUrl;
  const fromBody = (request.body as { name?: unknown } | undefined)?.name;
  return typeof fromBody === 'string' && fromBody !== '' ? fromBody : undefined;
}
