import { createHash } from 'node:crypto';
import type { PluginReply, PluginRequest, ServedArtifact } from '@artifactapi/plugin-sdk';

/** An error of the plugin's routes, with a product code (docs/errors.md) and its status. */
export class TerraformError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'TerraformError';
  }
}

/** 404 in the product's words. */
export function notFound(what: string): TerraformError {
  return new TerraformError('AAPI_ERR_NOT_FOUND', 404, what);
}

/** Where a generated document came from: the cache state of the documents it was made of. */
export interface DocumentOrigin {
  cache: ServedArtifact['cache'];
  source: ServedArtifact['source'];
}

/**
 * Sends a document the plugin generated (JSON, SHA256SUMS, a signature) with a strong ETag of
 * its bytes, answering If-None-Match with 304 and HEAD without a body.
 */
export async function sendDocument(request: PluginRequest, reply: PluginReply, body: string | Uint8Array, contentType: string, origin?: DocumentOrigin): Promise<void> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const etag = `"${createHash('sha256').update(bytes).digest('hex').slice(0, 40)}"`;
  reply.header('etag', etag).header('cache-control', 'no-cache');
  if (origin) reply.header('x-artifact-cache', origin.cache).header('x-artifact-source', origin.source);
  const match = request.headers['if-none-match'];
  if (typeof match === 'string' && match.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
    await reply.status(304).send();
    return;
  }
  reply.status(200).header('content-type', contentType).header('content-length', bytes.byteLength);
  await reply.send(request.method === 'HEAD' ? undefined : bytes);
}

/** The combined origin of several served documents: MISS/remote if any came from upstream. */
export function combineOrigins(parts: readonly DocumentOrigin[]): DocumentOrigin {
  const order: DocumentOrigin['cache'][] = ['HIT', 'REVALIDATED', 'STALE', 'MISS'];
  let cache: DocumentOrigin['cache'] = 'HIT';
  for (const p of parts) if (order.indexOf(p.cache) > order.indexOf(cache)) cache = p.cache;
  return { cache, source: parts.some((p) => p.source === 'remote') ? 'remote' : 'cache' };
}
