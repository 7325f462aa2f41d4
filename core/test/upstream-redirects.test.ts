import { createServer, type IncomingHttpHeaders } from 'node:http';
import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { isAapiError } from '../src/errors.js';
import { UpstreamClient } from '../src/upstream/index.js';
import { closeServer, listen, readAll, upstreamConfig } from './upstream-helpers.js';

/** /hop/N answers 302 to /hop/N-1 (a relative Location); /hop/0 answers 200. */
async function chainServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const n = Number(/^\/hop\/(\d+)$/.exec(req.url ?? '')?.[1] ?? -1);
    if (n > 0) res.writeHead(n % 2 === 0 ? 302 : 307, { location: `${n - 1}` }).end('moved');
    else if (n === 0) res.writeHead(200).end('arrived');
    else res.writeHead(404).end();
  });
  const port = await listen(server);
  return { port, close: () => closeServer(server) };
}

test('a chain of max_redirects redirects is followed, relative locations resolved', async (t) => {
  const { port, close } = await chainServer();
  const client = new UpstreamClient(upstreamConfig({ max_redirects: 5 }));
  t.teardown(async () => {
    await client.close();
    await close();
  });

  const res = await client.request(`http://127.0.0.1:${port}/hop/5`);
  t.is(res.status, 200);
  t.is((await readAll(res.body)).toString(), 'arrived');
  t.is(res.url, `http://127.0.0.1:${port}/hop/0`);
});

test('one redirect more than max_redirects fails with AAPI_ERR_UPSTREAM_FAILED', async (t) => {
  const { port, close } = await chainServer();
  const client = new UpstreamClient(upstreamConfig({ max_redirects: 5 }));
  t.teardown(async () => {
    await client.close();
    await close();
  });

  const err = await t.throwsAsync(client.request(`http://127.0.0.1:${port}/hop/6`));
  t.true(isAapiError(err));
  t.is(isAapiError(err) ? err.code : undefined, 'AAPI_ERR_UPSTREAM_FAILED');
  t.regex(err?.message ?? '', /too many redirects/);
});

/** Records the Authorization header each path saw. */
async function authServer(): Promise<{ port: number; seen: Map<string, IncomingHttpHeaders>; close: () => Promise<void> }> {
  const seen = new Map<string, IncomingHttpHeaders>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.set(`${req.headers.host?.split(':')[0]}${url.pathname}`, req.headers);
    const to = url.searchParams.get('to');
    if (to) res.writeHead(301, { location: to }).end();
    else res.writeHead(200).end('ok');
  });
  const port = await listen(server);
  return { port, seen, close: () => closeServer(server) };
}

test('credentials and Authorization are dropped when a redirect changes origin', async (t) => {
  const { port, seen, close } = await authServer();
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await close();
  });

  // 127.0.0.1 and localhost are the same server but two origins; localhost is a loopback name, so it is allowed here.
  const to = encodeURIComponent(`http://localhost:${port}/land`);
  const res = await client.request(`http://127.0.0.1:${port}/start?to=${to}`, {
    credentials: { username: 'alice', password: 'secret' },
    headers: { Cookie: 'session=1', Accept: 'application/json' },
    redirectHosts: [`localhost:${port}`],
  });
  await readAll(res.body);
  t.is(res.url, `http://localhost:${port}/land`);
  t.is(seen.get('127.0.0.1/start')?.authorization, `Basic ${Buffer.from('alice:secret').toString('base64')}`);
  t.is(seen.get('127.0.0.1/start')?.cookie, 'session=1');
  t.is(seen.get('localhost/land')?.authorization, undefined);
  t.is(seen.get('localhost/land')?.cookie, undefined);
  t.is(seen.get('localhost/land')?.accept, 'application/json');
});

test('an explicit Authorization header is dropped cross-origin too', async (t) => {
  const { port, seen, close } = await authServer();
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await close();
  });

  const to = encodeURIComponent(`http://localhost:${port}/land`);
  const res = await client.request(`http://127.0.0.1:${port}/start?to=${to}`, {
    headers: { Authorization: 'Bearer tok' },
    redirectHosts: [`localhost:${port}`],
  });
  await readAll(res.body);
  t.is(seen.get('127.0.0.1/start')?.authorization, 'Bearer tok');
  t.is(seen.get('localhost/land')?.authorization, undefined);
});

test('credentials are kept on a same-origin redirect', async (t) => {
  const { port, seen, close } = await authServer();
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await close();
  });

  const res = await client.request(`http://127.0.0.1:${port}/start?to=%2Fland`, {
    credentials: { username: 'alice', password: 'secret' },
  });
  await readAll(res.body);
  const expected = `Basic ${Buffer.from('alice:secret').toString('base64')}`;
  t.is(seen.get('127.0.0.1/start')?.authorization, expected);
  t.is(seen.get('127.0.0.1/land')?.authorization, expected);
});

test('304 Not Modified is returned as it is, with an empty body', async (t) => {
  const upstream = await startUpstream({ files: { '/pkg.json': { body: '{"v":1}', etag: '"v1"' } } });
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await upstream.close();
  });

  const res = await client.request(`${upstream.url}/pkg.json`, { headers: { 'if-none-match': '"v1"' } });
  t.is(res.status, 304);
  t.is(res.headers.etag, '"v1"');
  t.is((await readAll(res.body)).length, 0);
});

test('a redirect status without Location is returned as it is', async (t) => {
  const server = createServer((_req, res) => res.writeHead(302).end('nowhere'));
  const port = await listen(server);
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await closeServer(server);
  });

  const res = await client.request(`http://127.0.0.1:${port}/x`);
  t.is(res.status, 302);
  t.is((await readAll(res.body)).toString(), 'nowhere');
});

test('a redirect to a non-http scheme is refused', async (t) => {
  const server = createServer((_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
  const port = await listen(server);
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await closeServer(server);
  });

  const err = await t.throwsAsync(client.request(`http://127.0.0.1:${port}/x`));
  t.is(isAapiError(err) ? err.code : undefined, 'AAPI_ERR_UPSTREAM_FAILED');
  t.regex(err?.message ?? '', /unsupported scheme file:/);
});
