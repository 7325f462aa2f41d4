import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Served } from '../engine/index.js';
import type { ServerContext } from './server-context.js';

/**
 * `storage.redirect`: a stored blob is answered with a 307 to a presigned URL of the blob store,
 * so its bytes go from the bucket to the client. Only a GET of bytes already stored qualifies: a
 * download still in flight streams through the proxy, and a HEAD costs the store nothing anyway.
 * Resolves to whether the redirect was sent.
 */
export async function redirectToStore(ctx: ServerContext, request: FastifyRequest, reply: FastifyReply, served: Served): Promise<boolean> {
  const { storage } = ctx.config;
  const seconds = storage.kind === 's3' ? (storage.redirect_seconds ?? 0) : 0;
  const presign = ctx.backends.blobs.presignedUrl?.bind(ctx.backends.blobs);
  if (seconds <= 0 || !presign || request.method !== 'GET' || served.source !== 'cache' || served.etag === undefined) return false;
  let url: string;
  try {
    url = await presign(served.etag.slice(1, -1), seconds);
  } catch (err) {
    // Signing is local and should not fail; if it does, the bytes can still go through the proxy.
    request.log.warn({ err }, 'could not presign a blob URL; serving the blob through the proxy');
    return false;
  }
  served.discard();
  reply.code(307).header('location', url).header('cache-control', 'no-store').header('x-artifact-cache', served.cache).header('x-artifact-source', served.source);
  await reply.send();
  return true;
}
