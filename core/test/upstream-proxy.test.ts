import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import test from 'ava';
import { UpstreamClient } from '../src/upstream/index.js';
import { bypasses, parseNoProxy, ProxyRules } from '../src/upstream/proxy-rules.js';
import { closedPort, closeServer, listen, readAll, selfSignedCert, startForwardProxy, upstreamConfig } from './upstream-helpers.js';

async function origin(): Promise<{ port: number; hits: string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200).end(`origin ${req.url}`);
  });
  const port = await listen(server);
  return { port, hits, close: () => closeServer(server) };
}

test('HTTP_PROXY from the environment carries http requests as absolute-URI requests', async (t) => {
  const proxy = await startForwardProxy();
  const up = await origin();
  const client = new UpstreamClient(upstreamConfig(), { env: { HTTP_PROXY: proxy.url } });
  t.teardown(async () => {
    await client.close();
    await proxy.close();
    await up.close();
  });

  const res = await client.request(`http://127.0.0.1:${up.port}/a.tgz`);
  t.is((await readAll(res.body)).toString(), 'origin /a.tgz');
  t.deepEqual(proxy.seen, [`GET http://127.0.0.1:${up.port}/a.tgz`]);
  t.deepEqual(up.hits, ['/a.tgz']);
});

test('NO_PROXY bypasses the proxy for the hosts it lists, and only for them', async (t) => {
  const proxy = await startForwardProxy();
  const up = await origin();
  const client = new UpstreamClient(upstreamConfig(), { env: { http_proxy: proxy.url, NO_PROXY: 'example.org, localhost' } });
  t.teardown(async () => {
    await client.close();
    await proxy.close();
    await up.close();
  });

  await readAll((await client.request(`http://localhost:${up.port}/direct`)).body);
  t.deepEqual(proxy.seen, []);
  await readAll((await client.request(`http://127.0.0.1:${up.port}/proxied`)).body);
  t.deepEqual(proxy.seen, [`GET http://127.0.0.1:${up.port}/proxied`]);
  t.deepEqual(up.hits, ['/direct', '/proxied']);
});

test('config.proxy and config.no_proxy win over the environment', async (t) => {
  const proxy = await startForwardProxy();
  const up = await origin();
  const dead = `http://127.0.0.1:${await closedPort()}`;
  const client = new UpstreamClient(upstreamConfig({ proxy: proxy.url, no_proxy: 'localhost' }), {
    env: { HTTP_PROXY: dead, NO_PROXY: '*' },
  });
  t.teardown(async () => {
    await client.close();
    await proxy.close();
    await up.close();
  });

  await readAll((await client.request(`http://127.0.0.1:${up.port}/via-config`)).body);
  t.deepEqual(proxy.seen, [`GET http://127.0.0.1:${up.port}/via-config`]);
});

test('https goes through the proxy with CONNECT, and the extra CA applies inside the tunnel', async (t) => {
  const { key, cert, certFile } = selfSignedCert();
  const server = createHttpsServer({ key, cert }, (req, res) => res.writeHead(200).end(`secure ${req.url}`));
  const port = await listen(server);
  const proxy = await startForwardProxy();
  const client = new UpstreamClient(upstreamConfig({ ca_file: certFile }), { env: { HTTPS_PROXY: proxy.url } });
  t.teardown(async () => {
    await client.close();
    await proxy.close();
    await closeServer(server);
  });

  const res = await client.request(`https://127.0.0.1:${port}/s.tgz`);
  t.is((await readAll(res.body)).toString(), 'secure /s.tgz');
  t.deepEqual(proxy.seen, [`CONNECT 127.0.0.1:${port}`]);
});

test('an https_proxy does not apply to http URLs', async (t) => {
  const proxy = await startForwardProxy();
  const up = await origin();
  const client = new UpstreamClient(upstreamConfig(), { env: { HTTPS_PROXY: proxy.url } });
  t.teardown(async () => {
    await client.close();
    await proxy.close();
    await up.close();
  });

  await readAll((await client.request(`http://127.0.0.1:${up.port}/plain`)).body);
  t.deepEqual(proxy.seen, []);
});

test('NO_PROXY entries: host, .suffix, *.suffix, host:port, [v6]:port and *', (t) => {
  const entries = parseNoProxy('example.com, .corp.local,*.internal , mirror:8080,[::1]:9000');
  const match = (url: string): boolean => bypasses(entries, new URL(url));
  t.true(match('https://example.com/x'));
  t.true(match('https://pkg.example.com/x'));
  t.false(match('https://notexample.com/x'));
  t.true(match('http://corp.local/'));
  t.true(match('http://a.b.corp.local/'));
  t.true(match('http://x.internal/'));
  t.true(match('http://mirror:8080/'));
  t.false(match('http://mirror/'));
  t.true(match('http://[::1]:9000/'));
  t.false(match('http://[::1]:9001/'));
  t.true(bypasses(parseNoProxy('*'), new URL('https://anything.example/')));
  t.false(bypasses(parseNoProxy(''), new URL('https://anything.example/')));
});

test('proxy choice per scheme, lower-case variables first', (t) => {
  const rules = new ProxyRules({}, { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:1', HTTP_PROXY: 'http://plain:1' });
  t.is(rules.proxyFor(new URL('https://a.example/')), 'http://lower:1');
  t.is(rules.proxyFor(new URL('http://a.example/')), 'http://plain:1');
  t.is(new ProxyRules({}, {}).proxyFor(new URL('http://a.example/')), undefined);
});
