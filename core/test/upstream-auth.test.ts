import test from 'ava';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import type { PluginDefinition } from '@artifactapi/plugin-sdk';
import { engineReplicas, servedText } from './helpers/engine-replicas.js';

// A plugin's upstreamAuth (the registry token flow): a 401 with a Bearer challenge gets a token
// from the realm, the request is retried once, and the token is cached per scope for every replica.

const tokened: PluginDefinition = {
  type: 'tokened',
  description: 'test: every path needs a bearer token scoped by its first segment',
  classify: () => ({ cache: 'immutable' }),
  upstreamAuth: {
    scope: (path) => `repository:${path.split('/')[0]}:pull`,
    async authenticate(request, ctx) {
      const bearer = request.challenges.find((c) => c.scheme === 'bearer');
      if (!bearer?.params['realm']) return undefined;
      const res = await ctx.fetch(`${bearer.params['realm']}?scope=${encodeURIComponent(request.scope)}`);
      const { token, expires_in } = JSON.parse(new TextDecoder().decode(res.body)) as { token: string; expires_in: number };
      return { authorization: `Bearer ${token}`, expiresIn: expires_in };
    },
  },
};

async function setup(t: Parameters<typeof engineReplicas>[0]) {
  let issued = 0;
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  const guarded = (body: string) => (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization !== 'Bearer tok-img') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${upstream.url}/token",service="test",scope="repository:img:pull"` }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) }).end(body);
  };
  upstream.setHandler('/img/a.bin', guarded('aaa'));
  upstream.setHandler('/img/b.bin', guarded('bbb'));
  upstream.setHandler('/token', (req, res) => {
    issued++;
    const scope = new URL(req.url ?? '', 'http://x').searchParams.get('scope');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: scope === 'repository:img:pull' ? 'tok-img' : 'other', expires_in: 300 }));
  });
  const [a, b] = await engineReplicas(t, `remotes:\n  reg: { type: remote, package: tokened, base_url: ${upstream.url} }\n`, [tokened]);
  return { upstream, a, b, issued: () => issued };
}

test('a 401 challenge is answered with a token from the realm and the request retried once', async (t) => {
  const { upstream, a, issued } = await setup(t);
  t.is(await servedText(await a.service.get(a.service.resolve('reg')!, 'img/a.bin')), 'aaa');
  t.is(issued(), 1);
  const tries = upstream.requests.filter((r) => r.path === '/img/a.bin');
  t.deepEqual(tries.map((r) => r.headers.authorization ?? 'none'), ['none', 'Bearer tok-img']);
});

test('the token is cached per scope and shared with the other replica', async (t) => {
  const { upstream, a, b, issued } = await setup(t);
  await servedText(await a.service.get(a.service.resolve('reg')!, 'img/a.bin'));
  t.is(await servedText(await b.service.get(b.service.resolve('reg')!, 'img/b.bin')), 'bbb');
  t.is(issued(), 1, 'replica B used the token replica A obtained');
  t.deepEqual(upstream.requests.filter((r) => r.path === '/img/b.bin').map((r) => r.headers.authorization), ['Bearer tok-img'], 'no 401 round trip');
});

test('a token realm that went down leaves the stale copy serving, not a plugin failure', async (t) => {
  const upstream = await startUpstream();
  const realm = await startUpstream();
  t.teardown(() => upstream.close());
  realm.setHandler('/token', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'tok-img', expires_in: 1 }));
  });
  upstream.setHandler('/img/tag', (req, res) => {
    if (req.headers.authorization !== 'Bearer tok-img') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm.url}/token",service="test"` }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '3' }).end('tag');
  });
  const mutable: PluginDefinition = { ...tokened, type: 'tokened-mutable', classify: () => ({ cache: 'mutable' }) };
  const [a] = await engineReplicas(t, `remotes:\n  reg: { type: remote, package: tokened-mutable, base_url: ${upstream.url}, cache: { mutable_ttl: 1 } }\n`, [mutable]);
  t.is(await servedText(await a.service.get(a.service.resolve('reg')!, 'img/tag')), 'tag');
  await realm.close();
  await new Promise((resolve) => setTimeout(resolve, 1300));
  const stale = await a.service.get(a.service.resolve('reg')!, 'img/tag');
  t.is(stale.cache, 'STALE');
  t.is(await servedText(stale), 'tag');
});
