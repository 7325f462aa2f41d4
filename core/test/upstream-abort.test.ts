import { createServer, type ServerResponse } from 'node:http';
import test from 'ava';
import { UpstreamClient } from '../src/upstream/index.js';
import { closeServer, listen, upstreamConfig } from './upstream-helpers.js';

test('aborting while waiting for headers rejects with the signal reason and is not held against the upstream', async (t) => {
  let arrived: () => void = () => undefined;
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer(() => arrived());
  const port = await listen(server);
  const client = new UpstreamClient(upstreamConfig({ breaker: { failures: 1, cooldown: 30 } }));
  t.teardown(async () => {
    await client.close();
    await closeServer(server);
  });

  const controller = new AbortController();
  const reason = new Error('client went away');
  const pending = client.request(`http://127.0.0.1:${port}/x`, { signal: controller.signal });
  await arrival;
  controller.abort(reason);
  t.is(await t.throwsAsync(pending), reason);
  t.is(client.breakerState(`http://127.0.0.1:${port}/`), 'closed');
});

test('aborting while the body streams destroys the body with the signal reason', async (t) => {
  const open: ServerResponse[] = [];
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('first part');
    open.push(res);
  });
  const port = await listen(server);
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await closeServer(server);
  });

  const controller = new AbortController();
  const reason = new Error('client went away');
  const res = await client.request(`http://127.0.0.1:${port}/x`, { signal: controller.signal });
  const err = await t.throwsAsync(async () => {
    for await (const chunk of res.body) {
      t.is((chunk as Buffer).toString(), 'first part');
      controller.abort(reason);
    }
  });
  t.is(err, reason);
  t.true(res.body.destroyed);
});

test('an already aborted signal sends nothing', async (t) => {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits += 1;
    res.end('x');
  });
  const port = await listen(server);
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await closeServer(server);
  });

  const reason = new Error('too late');
  t.is(await t.throwsAsync(client.request(`http://127.0.0.1:${port}/x`, { signal: AbortSignal.abort(reason) })), reason);
  t.is(hits, 0);
});
