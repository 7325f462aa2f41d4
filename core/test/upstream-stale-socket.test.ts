import test from 'ava';
import { UpstreamClient } from '../src/upstream/index.js';
import { readAll, startRawServer, upstreamConfig } from './upstream-helpers.js';

test('a pooled socket the upstream closed on the next request is retried once on a new connection', async (t) => {
  // The first request on each connection is answered with keep-alive; the second one finds the
  // connection dropped, as when a server's keep-alive timer fires just as the request is sent.
  const upstream = await startRawServer((socket, n) => {
    if (n === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=60\r\n\r\nok');
    else socket.destroy();
  });
  const client = new UpstreamClient(upstreamConfig({ breaker: { failures: 1, cooldown: 30 } }));
  t.teardown(async () => {
    await client.close();
    await upstream.close();
  });

  for (let i = 0; i < 3; i += 1) {
    const res = await client.request(`${upstream.url}/f${i}`);
    t.is((await readAll(res.body)).toString(), 'ok');
  }
  t.is(upstream.connections, 3);
  t.is(client.breakerState(upstream.url), 'closed');
});

test('a fresh connection that drops the request is not retried', async (t) => {
  const upstream = await startRawServer((socket) => socket.destroy());
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await upstream.close();
  });

  await t.throwsAsync(client.request(`${upstream.url}/x`), { message: /connection reset/ });
  t.is(upstream.connections, 1);
});
