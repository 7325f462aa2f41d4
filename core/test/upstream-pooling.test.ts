import { createServer } from 'node:http';
import test from 'ava';
import { UpstreamClient } from '../src/upstream/index.js';
import { closeServer, listen, readAll, upstreamConfig } from './upstream-helpers.js';

test('sequential requests reuse one pooled connection', async (t) => {
  let connections = 0;
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello ${req.url}`);
  });
  server.on('connection', () => (connections += 1));
  const port = await listen(server);
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await closeServer(server);
  });

  for (let i = 0; i < 25; i += 1) {
    const res = await client.request(`http://127.0.0.1:${port}/f${i}`);
    t.is(res.status, 200);
    t.is((await readAll(res.body)).toString(), `hello /f${i}`);
  }
  t.is(connections, 1);
});

test('response headers are lower-case and repeated ones joined with ", "', async (t) => {
  const server = createServer((_req, res) => {
    res.setHeader('X-Custom', 'One');
    res.setHeader('Set-Cookie', ['a=1', 'b=2']);
    res.setHeader('Via', ['1.1 first', '1.1 second']);
    res.writeHead(200).end('ok');
  });
  const port = await listen(server);
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await closeServer(server);
  });

  const res = await client.request(`http://127.0.0.1:${port}/h`);
  await readAll(res.body);
  t.is(res.headers['x-custom'], 'One');
  t.is(res.headers['set-cookie'], 'a=1, b=2');
  t.is(res.headers.via, '1.1 first, 1.1 second');
  t.is(res.url, `http://127.0.0.1:${port}/h`);
});

test('HEAD answers with an empty body and the request arrives as HEAD', async (t) => {
  const methods: string[] = [];
  const server = createServer((req, res) => {
    methods.push(req.method ?? '');
    res.writeHead(200, { 'content-length': '11' }).end(req.method === 'HEAD' ? undefined : 'hello world');
  });
  const port = await listen(server);
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await closeServer(server);
  });

  const res = await client.request(`http://127.0.0.1:${port}/x`, { method: 'HEAD' });
  t.is(res.status, 200);
  t.is(res.headers['content-length'], '11');
  t.is((await readAll(res.body)).length, 0);
  t.deepEqual(methods, ['HEAD']);
});
