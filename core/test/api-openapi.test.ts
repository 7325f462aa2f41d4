import test from 'ava';
import { Ajv2020 } from 'ajv/dist/2020.js';
import Fastify from 'fastify';
import { useApiValidation } from '../src/http/api/api-validation.js';
import { genericRemote, startProxy } from './helpers/proxy.js';

/** Every route of the app as `METHOD /path`, read off fastify's own route tree (HEAD twins left out). */
function registeredRoutes(tree: string): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const at = line.indexOf('── ');
    if (at < 0) continue;
    const match = /^(.*?) \(([^)]*)\)$/.exec(line.slice(at + 3));
    const segment = match ? match[1]! : line.slice(at + 3);
    const depth = (at - 1) / 4;
    const path = (depth === 0 ? '' : stack[depth - 1]!) + segment;
    stack[depth] = path.replace(/^\/\//, '/');
    for (const method of match ? match[2]!.split(', ') : []) if (method !== 'HEAD') routes.push(`${method} ${stack[depth]}`);
  }
  return routes;
}

/** What api-contract.md pins, independently of the code. */
const CONTRACT = [
  'GET /api/v2/remotes',
  'POST /api/v2/remotes',
  'GET /api/v2/remotes/{name}',
  'PUT /api/v2/remotes/{name}',
  'DELETE /api/v2/remotes/{name}',
  'GET /api/v2/virtuals',
  'POST /api/v2/virtuals',
  'GET /api/v2/virtuals/{name}',
  'PUT /api/v2/virtuals/{name}',
  'DELETE /api/v2/virtuals/{name}',
  'GET /api/v2/remotes/{name}/objects',
  'DELETE /api/v2/remotes/{name}/objects',
  'GET /api/v2/stats',
  'GET /api/v2/health',
  'POST /api/v2/probe',
  'GET /api/v2/events',
  'GET /api/v2/openapi.json',
  'GET /api/v2/tokens',
  'POST /api/v2/tokens',
  'DELETE /api/v2/tokens/{id}',
  'GET /artifacts/{remote}',
  'POST /cache-artifact',
];

test('the OpenAPI 3.1 document lists every management route fastify has, each schema is valid JSON Schema 2020-12', async (t) => {
  const proxy = await startProxy(t, genericRemote('http://127.0.0.1:9'));
  const res = await fetch(`${proxy.url}/api/v2/openapi.json`);
  t.is(res.status, 200);
  const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
  t.is(doc.openapi, '3.1.0');
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));

  const management = registeredRoutes(proxy.server.app.printRoutes({ commonPrefix: false }))
    .filter((r) => / \/(api\/v2|artifacts|cache-artifact)/.test(r))
    .map((r) => r.replace(/:([A-Za-z]+)/g, '{$1}'));
  t.true(management.length >= CONTRACT.length, `routes read from fastify: ${management.join(', ')}`);
  t.deepEqual([...documented].sort(), [...management].sort(), 'the document and the router agree');
  for (const route of CONTRACT) t.true(documented.includes(route), `${route} is documented`);

  const ajv = new Ajv2020({ strict: false, allowUnionTypes: true, validateFormats: false });
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      t.true(Object.keys(op.responses).length > 0, `${method} ${path} has responses`);
      const schemas = JSON.stringify(op).match(/"schema":/g)?.length ?? 0;
      t.true(schemas > 0, `${method} ${path} has schemas`);
      for (const media of Object.values(op.responses) as { content?: Record<string, { schema: object }> }[]) {
        for (const { schema } of Object.values(media.content ?? {})) t.notThrows(() => ajv.compile(schema), `${method} ${path}`);
      }
    }
  }
});

test('query parameters outside their schema are refused with the key path of each', async (t) => {
  const proxy = await startProxy(t, genericRemote('http://127.0.0.1:9'));
  const bad = await fetch(`${proxy.url}/api/v2/remotes/up/objects?limit=5000&sort=colour`, { headers: { authorization: 'Bearer test-token' } });
  t.is(bad.status, 400);
  const body = (await bad.json()) as { error: { code: string; details: { path: string }[] } };
  t.is(body.error.code, 'AAPI_ERR_REQUEST_INVALID');
  t.deepEqual(body.error.details.map((d) => d.path).sort(), ['querystring.limit', 'querystring.sort']);
});

test('a response that does not fit its schema is answered as a 500, never sent', async (t) => {
  const app = Fastify();
  useApiValidation(app);
  const schema = { response: { 200: { type: 'object', required: ['count'], properties: { count: { type: 'integer' } } } } };
  app.get('/good', { schema }, async () => ({ count: 3 }));
  app.get('/bad', { schema }, async () => ({ count: 'three' }));
  t.teardown(() => app.close());
  const good = await app.inject('/good');
  t.is(good.statusCode, 200);
  t.deepEqual(good.json(), { count: 3 });
  const bad = await app.inject('/bad');
  t.is(bad.statusCode, 500);
  t.false(bad.body.includes('three'));
});
