import { createServer, type IncomingHttpHeaders } from 'node:http';
import test from 'ava';
import { UpstreamClient } from '../src/upstream/index.js';
import { closeServer, listen, readAll, upstreamConfig } from './upstream-helpers.js';

async function recorder(): Promise<{ port: number; seen: IncomingHttpHeaders[]; close: () => Promise<void> }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200).end('ok');
  });
  const port = await listen(server);
  return { port, seen, close: () => closeServer(server) };
}

const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

test('options.credentials arrive as Basic auth', async (t) => {
  const { port, seen, close } = await recorder();
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await close();
  });

  const res = await client.request(`http://127.0.0.1:${port}/x`, { credentials: { username: 'alice', password: 'pä:ss' } });
  await readAll(res.body);
  t.is(seen[0]?.authorization, basic('alice', 'pä:ss'));
});

test('userinfo in the URL becomes Basic auth and is stripped from the URL', async (t) => {
  const { port, seen, close } = await recorder();
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await close();
  });

  const res = await client.request(`http://bob:p%40ss@127.0.0.1:${port}/x`);
  await readAll(res.body);
  t.is(seen[0]?.authorization, basic('bob', 'p@ss'));
  t.is(res.url, `http://127.0.0.1:${port}/x`);
});

test('options.credentials win over userinfo, and an explicit Authorization header wins over both', async (t) => {
  const { port, seen, close } = await recorder();
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await close();
  });

  const url = `http://bob:pw@127.0.0.1:${port}/x`;
  await readAll((await client.request(url, { credentials: { username: 'alice', password: 'a' } })).body);
  await readAll(
    (await client.request(url, { credentials: { username: 'alice', password: 'a' }, headers: { Authorization: 'Bearer t' } })).body,
  );
  t.is(seen[0]?.authorization, basic('alice', 'a'));
  t.is(seen[1]?.authorization, 'Bearer t');
});

test('no Authorization header is sent without credentials', async (t) => {
  const { port, seen, close } = await recorder();
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await close();
  });

  await readAll((await client.request(`http://127.0.0.1:${port}/x`)).body);
  t.is(seen[0]?.authorization, undefined);
  t.is(seen[0]?.['user-agent'], 'ArtifactAPI');
});
