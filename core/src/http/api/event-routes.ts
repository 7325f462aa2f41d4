import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { EngineEvent } from '../../engine/index.js';
import type { ServerContext } from '../server-context.js';
import { errorResponses, eventSchema } from './api-schemas.js';
import type { ApiRouteConfig } from './api-validation.js';

const PING_MS = 15_000;

/** `/api/v2/events`: engine events as server-sent events, `event: <type>` and `data: <json>`, a `: ping` comment every 15 s. */
export async function eventRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const open = new Set<ServerResponse>();
  // A stream never goes idle, so the server would wait for it at close: end them first.
  app.addHook('preClose', (done) => {
    for (const res of open) res.end();
    done();
  });

  const config: ApiRouteConfig & { queryToken: boolean } = { produces: 'text/event-stream', queryToken: true };
  app.get('/events', {
    config,
    schema: {
      tags: ['events'],
      summary: 'Server-sent events: fetch, revalidate, stale, evict, repository, upstream_error, quarantine, firewall, job (the token may be given as ?token=)',
      querystring: { type: 'object', properties: { token: { type: 'string', description: 'The admin token, for clients that cannot set headers (EventSource)' } } },
      response: { 200: eventSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-store',
        connection: 'keep-alive',
        // nginx and similar proxies would otherwise hold events back in their buffers.
        'x-accel-buffering': 'no',
      });
      res.write(': connected\n\n');
      open.add(res);
      const off = ctx.engine.events.on((event: EngineEvent) => {
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      });
      const ping = setInterval(() => res.write(': ping\n\n'), PING_MS);
      ping.unref();
      res.on('close', () => {
        off();
        clearInterval(ping);
        open.delete(res);
      });
    },
  });
}
