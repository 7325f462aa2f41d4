import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AapiError, isAapiError } from '../errors.js';

/** Turns any thrown error into the JSON error body of DESIGN §3 with a stable code. */
export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const err = toAapiError(error);
  if (request.aapi && err.upstreamStatus !== undefined) request.aapi.upstreamStatus = err.upstreamStatus;
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
  reply.code(err.status).type('application/json').send(err.toJSON());
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
