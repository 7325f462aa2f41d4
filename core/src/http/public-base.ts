import type { FastifyRequest } from 'fastify';

/** The server's public origin: `public_url` when configured, else from X-Forwarded-* or Host. */
export function publicBase(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  const forwardedProto = first(request.headers['x-forwarded-proto']);
  const forwardedHost = first(request.headers['x-forwarded-host']);
  const proto = forwardedProto ?? request.protocol;
  const host = forwardedHost ?? request.headers.host ?? 'localhost';
  return `${proto}://${host}`;
}

function first(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  return raw?.split(',')[0]?.trim() || undefined;
}
