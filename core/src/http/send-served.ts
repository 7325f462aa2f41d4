import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Served } from '../engine/index.js';
import { AapiError } from '../errors.js';
import { artifactHeaders } from './artifact-headers.js';
import { ifRangeMatches, isNotModified } from './conditional.js';
import { parseRange } from './range.js';
import type {} from './request-context.js';

/**
 * Writes an artifact response: the headers of DESIGN §3, then 304, 416, 206 or 200 as the
 * client's conditional and Range headers ask. Cached content answers all of them; a download in
 * flight answers ranges once its size is known.
 */
export async function sendServed(request: FastifyRequest, reply: FastifyReply, served: Served, fileName: string | undefined): Promise<void> {
  reply.headers(artifactHeaders(served, fileName));
  const size = served.size;
  const log = request.aapi;
  if (log) {
    log.cache = served.cache;
    log.upstreamStatus = served.upstreamStatus;
  }

  const headers = request.headers as Record<string, string | undefined>;
  if (isNotModified(headers, served.etag, served.lastModified)) {
    served.discard();
    reply.code(304);
    return reply.send();
  }
  let range = size === undefined || !ifRangeMatches(headers['if-range'], served.etag, served.lastModified)
    ? undefined
    : parseRange(headers.range, size);
  if (range === 'unsatisfiable') {
    served.discard();
    reply.header('content-range', `bytes */${size}`);
    throw new AapiError('AAPI_ERR_RANGE_NOT_SATISFIABLE', `${headers.range} of ${size} bytes`);
  }
  if (range && range.start === 0 && range.end === size! - 1) range = undefined;
  const length = range ? range.end - range.start + 1 : size;
  if (range) {
    reply.code(206);
    reply.header('content-range', `bytes ${range.start}-${range.end}/${size}`);
  }
  if (length !== undefined) reply.header('content-length', length);
  if (log) log.bytes = request.method === 'HEAD' ? 0 : length;
  if (request.method === 'HEAD') {
    served.discard();
    return reply.send();
  }
  return reply.send(await served.open(range));
}
