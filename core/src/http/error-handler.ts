import type { ErrorInfo } from '@artifactapi/plugin-sdk';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AapiError, isAapiError } from '../errors.js';
import { reasonPhrase } from './reason-phrase.js';

/** The error body shape for a request: its repository's plugin's, or undefined for the product's own. */
export type ErrorBodyFor = (request: FastifyRequest) => ((error: ErrorInfo) => unknown) | undefined;

type ErrorHandler = (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => void;

/**
 * Turns any thrown error into an error response with a stable code: the JSON body of DESIGN §3
 * unless the repository's plugin shapes it for its clients (`errorBody`), and the code and
 * message in the reason phrase too.
 */
export function createErrorHandler(bodyFor: ErrorBodyFor): ErrorHandler {
  return (error, request, reply) => {
    const err = toAapiError(error);
    if (request.aapi && err.upstreamStatus !== undefined) request.aapi.upstreamStatus = err.upstreamStatus;
    if (request.aapi) request.aapi.code = err.code;
    // The message already quotes what it wraps (a plugin hook's error, a socket error); `err` is that
    // cause, with its own stack. Logging the wrapper would print the cause's message twice, since
    // pino's err serializer appends every cause's message to the wrapper's.
    if (err.status >= 500) request.log.error({ code: err.code, err: err.cause ?? err }, err.message);
    else request.log.debug({ code: err.code }, err.message);
    if (reply.sent || reply.raw.headersSent) {
      // Headers are out: the only honest signal left is to cut the connection.
      reply.raw.destroy(err);
      return;
    }
    reply.headers(err.headers);
    reply.raw.statusMessage = reasonPhrase(err);
    reply.code(err.status).type('application/json').send(errorBody(err, bodyFor(request), request));
  };
}

function errorBody(err: AapiError, shape: ((error: ErrorInfo) => unknown) | undefined, request: FastifyRequest): unknown {
  if (shape === undefined) return err.toJSON();
  try {
    return shape({ code: err.code, message: err.message, status: err.status });
  } catch (hookError) {
    request.log.error({ err: hookError }, 'the plugin\'s errorBody hook failed; answering in the product\'s format');
    return err.toJSON();
  }
}

export function toAapiError(error: unknown): AapiError {
  if (isAapiError(error)) return error;
  const fastifyError = error as Partial<FastifyError>;
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    const code = fastifyError.statusCode === 404 ? 'AAPI_ERR_NOT_FOUND' : 'AAPI_ERR_REQUEST_INVALID';
    return new AapiError(code, fastifyError.message ?? 'bad request');
  }
  return new AapiError('AAPI_ERR_INTERNAL', (error as Error).message ?? String(error), { cause: error });
}
