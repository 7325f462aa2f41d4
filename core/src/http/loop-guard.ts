import type { FastifyInstance } from 'fastify';
import { AapiError } from '../errors.js';

/** The `Via` value this server puts on its upstream requests: unique per process. */
export function viaValue(instance: string): string {
  return `1.1 artifactapi-${instance}`;
}

/**
 * Refuses a request that carries this server's own `Via` entry: one of its upstream requests came
 * back (base_url pointing here, a redirect through another host or proxy). Answering would make
 * it wait on its own single flight until a timeout; a 508 ends the loop at once. Hot hits are
 * served before this hook, which is harmless: they never go upstream.
 */
export function refuseOwnRequests(app: FastifyInstance, via: string): void {
  const own = via.toLowerCase();
  app.addHook('onRequest', async (request) => {
    const header = request.headers.via;
    if (header === undefined) return;
    // Proxies append their entries: `1.0 fred, 1.1 artifactapi-…`.
    const entries = (Array.isArray(header) ? header.join(',') : header).split(',');
    if (entries.some((entry) => entry.trim().toLowerCase() === own)) {
      throw new AapiError('AAPI_ERR_LOOP_DETECTED', 'this request came back from an upstream request of this server');
    }
  });
}
