import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/index.js';
import type { RequestView } from '../engine/index.js';
import { AapiError } from '../errors.js';

/** A DNS name (253) plus `:65535`; anything longer is not an origin, and it keys cached documents. */
const MAX_HOST_LENGTH = 259;
/** A name, an IPv4 address, or a bracketed IPv6 literal; then an optional port. No userinfo, path or spaces. */
const HOST = /^(?:\[([0-9a-f:.]+)\]|((?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?))(?::(\d{1,5}))?$/;

/**
 * The server's public origin, without a trailing slash: `public_url` when configured, else the
 * request's scheme and Host. fastify's trustProxy (server.trust_proxy) decides whether
 * X-Forwarded-Proto / X-Forwarded-Host replace them. Whatever the client sent is checked to be a
 * plain http(s) origin, since it ends up in URLs clients follow and in the rendered-document key.
 */
export function publicBase(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  const scheme = request.protocol.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    throw new AapiError('AAPI_ERR_HOST_INVALID', `scheme ${JSON.stringify(scheme.slice(0, 32))} is not http or https`);
  }
  return `${scheme}://${validHost(request.host || 'localhost')}`;
}

/**
 * publicBase for a request fastify has not seen (the hot path), as a function called only when a
 * document needs it; undefined when only fastify can tell, i.e. when forwarded headers are trusted.
 */
export function rawPublicBase(host: string | undefined, encrypted: boolean, config: Pick<AppConfig, 'public_url' | 'server'>): (() => string) | undefined {
  const publicUrl = config.public_url;
  if (publicUrl) return () => publicUrl.replace(/\/+$/, '');
  if (config.server.trust_proxy !== false) return undefined;
  const scheme = encrypted ? 'https' : 'http';
  return () => `${scheme}://${validHost(host || 'localhost')}`;
}

/** The request headers publicBase reads, for Vary: none when public_url is configured. */
export function publicBaseVary(config: Pick<AppConfig, 'public_url' | 'server'>): readonly string[] {
  if (config.public_url) return [];
  return config.server.trust_proxy === false ? ['Host'] : ['Host', 'X-Forwarded-Host', 'X-Forwarded-Proto'];
}

/**
 * How a repository route lends the request to the engine: the public URL of `location` (the
 * repository's path on this server) is worked out only if a rewritten document needs it, so a
 * bad Host does not fail plain artifact downloads, which the hot path serves without looking.
 */
export function requestView(request: FastifyRequest, config: AppConfig, location: string): RequestView {
  return {
    headers: request.headers as Record<string, string | undefined>,
    publicBase: () => `${publicBase(request, config.public_url)}${location}`,
    publicBaseVary: publicBaseVary(config),
  };
}

/** `host` lower-cased when it is a syntactically valid host[:port]; AAPI_ERR_HOST_INVALID otherwise. */
function validHost(host: string): string {
  const lower = host.toLowerCase();
  const match = lower.length <= MAX_HOST_LENGTH ? HOST.exec(lower) : null;
  const ok = match !== null && (match[1] === undefined || isIP(match[1]) === 6) && (match[3] === undefined || Number(match[3]) <= 65535);
  if (!ok) throw new AapiError('AAPI_ERR_HOST_INVALID', `host ${JSON.stringify(host.slice(0, 64))} is not a valid host[:port]`);
  return lower;
}
