import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ERROR_CODES } from '../errors.js';

/**
 * The web UI at /ui/: the bundle the `ui/` workspace (`@artifactapi/ui`) builds into its dist/,
 * served as static files by the product itself. No route of it needs the admin token: the page
 * asks for it and sends it to /api/v2 on its own.
 */

/** Pages may load only from this origin: nothing from a CDN, no inline script, no framing. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/** The built bundle's directory, or undefined when the UI package is not installed. */
export function uiBundleDir(): string | undefined {
  try {
    // Resolved, not declared: the packed core runs without the UI, which a source checkout builds.
    return join(dirname(createRequire(import.meta.url).resolve('@artifactapi/ui/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

export interface UiRoutesOptions {
  /** The bundle's directory; undefined or without index.html = the "not built" page. */
  root: string | undefined;
}

export async function uiRoutes(app: FastifyInstance, { root }: UiRoutesOptions): Promise<void> {
  if (root === undefined || !existsSync(join(root, 'index.html'))) {
    const notBuilt = (_request: unknown, reply: FastifyReply) => sendNotBuilt(reply, root);
    app.get('/ui', notBuilt);
    app.get('/ui/*', notBuilt);
    return;
  }
  // Relative, so a reverse proxy's path prefix stays in front (/prefix/ui → /prefix/ui/).
  app.get('/ui', (_request, reply) => reply.redirect('ui/', 301));
  await app.register(fastifyStatic, {
    root,
    prefix: '/ui/',
    decorateReply: false,
    cacheControl: false, // set below: hashed assets forever, the page itself always revalidated
    setHeaders: (reply, path) => {
      reply.headers({
        'cache-control': /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        // The event stream's URL carries the token (EventSource sends no headers): never pass it on.
        'referrer-policy': 'no-referrer',
      });
    },
  });
}

/** A page a person can act on instead of a crash or a bare 404: what is missing and the command that builds it. */
const CODE = 'AAPI_ERR_UI_NOT_BUILT';

function sendNotBuilt(reply: FastifyReply, root: string | undefined): FastifyReply {
  const where = root === undefined ? 'the @artifactapi/ui package is not installed' : `no index.html in ${root}`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Web UI not built · ArtifactAPI</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5">
<h1>The web UI is not built</h1>
<p>ArtifactAPI serves its web UI from the <code>ui/</code> workspace's bundle, and ${escapeHtml(where)}.</p>
<p>Build it from the repository root with <code>npm run build</code> (or <code>npm install</code>), then reload this page.
The proxy and the management API at <code>/api/v2</code> work without it.</p>
<p><small>Error code: ${CODE}</small></p>
</body></html>
`;
  return reply.code(ERROR_CODES[CODE].status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
