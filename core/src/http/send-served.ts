import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Served } from '../engine/index.js';
import { AapiError } from '../errors.js';
import { ifRangeMatches, isNotModified } from './conditional.js';
import { parseRange } from './range.js';
import type {} from './request-context.js';

/**
 * Writes an artifact response: the headers of DESIGN §3, then 304, 416, 206 or 200 as the
 * client's conditional and Range headers ask. Cached content answers all of them; a download in
 * flight answers ranges once its size is known.
 */
export async function sendServed(request: FastifyRequest, reply: FastifyReply, served: Served, fileName: string | undefined): Promise<void> {
  reply.header('x-artifact-source', served.source);
  reply.header('x-artifact-cache', served.cache);
  reply.header('content-type', served.contentType);
  if (served.etag) reply.header('etag', served.etag);
  if (served.lastModified) reply.header('last-modified', served.lastModified);
  if (served.vary) reply.header('vary', served.vary);
  else if (fileName) reply.header('content-disposition', contentDisposition(fileName));
  const size = served.size;
  if (size !== undefined) reply.header('accept-ranges', 'bytes');
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

function contentDisposition(fileName: string): string {
  if (/^[\x20-\x7e]*$/.test(fileName) && !/["\\]/.test(fileName)) return `attachment; filename="${fileName}"`;
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
