import { createServer, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import test from 'ava';
import { isAapiError, type AapiError } from '../src/errors.js';
import { UpstreamClient, isUnreachable } from '../src/upstream/index.js';
import { closedPort, closeServer, listen, readAll, upstreamConfig } from './upstream-helpers.js';

function codeOf(err: unknown): string | undefined {
  return isAapiError(err) ? err.code : undefined;
}

test('no response headers within timeouts.headers → AAPI_ERR_UPSTREAM_TIMEOUT', async (t) => {
  const server = createServer(() => {
    // Accepts the request and never answers.
  });
  const port = await listen(server);
  const client = new UpstreamClient(upstreamConfig({ timeouts: { connect: 10, headers: 0.3, idle: 10 } }));
  t.teardown(async () => {
    await client.close();
    await closeServer(server);
  });

  const err = await t.throwsAsync(client.request(`http://127.0.0.1:${port}/slow`));
  t.is(codeOf(err), 'AAPI_ERR_UPSTREAM_TIMEOUT');
  t.regex(err?.message ?? '', /response headers for more than 0\.3s: http:\/\/127\.0\.0\.1:\d+\/slow/);
  t.true(isUnreachable(err));
});

test('a per-request timeouts override wins over the config', async (t) => {
  const server = createServer(() => undefined);
  const port = await listen(server);
  const client = new UpstreamClient(upstreamConfig({ timeouts: { connect: 10, headers: 60, idle: 60 } }));
  t.teardown(async () => {
    await client.close();
    await closeServer(server);
  });

  // The message names the limit that fired, so a config value of 60 s cannot pass for 0.25 s.
  const err = await t.throwsAsync(client.request(`http://127.0.0.1:${port}/slow`, { timeouts: { headers: 0.25 } }));
  t.is(codeOf(err), 'AAPI_ERR_UPSTREAM_TIMEOUT');
  t.regex(err?.message ?? '', /more than 0\.25s/);
});

test('a body that goes silent for timeouts.idle is destroyed with AAPI_ERR_UPSTREAM_TIMEOUT', async (t) => {
  const stalled: ServerResponse[] = [];
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('partial');
    stalled.push(res);
  });
  const port = await listen(server);
  const client = new UpstreamClient(upstreamConfig({ timeouts: { connect: 10, headers: 10, idle: 0.3 } }));
  t.teardown(async () => {
    await client.close();
    await closeServer(server);
  });

  const res = await client.request(`http://127.0.0.1:${port}/big`);
  t.is(res.status, 200);
  const received: Buffer[] = [];
  const err = await t.throwsAsync(async () => {
    for await (const chunk of res.body) received.push(chunk as Buffer);
  });
  t.is(codeOf(err), 'AAPI_ERR_UPSTREAM_TIMEOUT');
  t.regex(err?.message ?? '', /body idle for more than 0\.3s/);
  t.is(Buffer.concat(received).toString(), 'partial');
  t.true(res.body.destroyed);
});

test('a consumer that pauses longer than timeouts.idle does not trip the idle timeout', async (t) => {
  const payload = Buffer.alloc(4 * 1024 * 1024, 7);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': String(payload.length) }).end(payload);
  });
  const port = await listen(server);
  const client = new UpstreamClient(upstreamConfig({ timeouts: { connect: 10, headers: 10, idle: 1 } }));
  t.teardown(async () => {
    await client.close();
    await closeServer(server);
  });

  const res = await client.request(`http://127.0.0.1:${port}/big`);
  const reader = res.body[Symbol.asyncIterator]();
  const first = await reader.next();
  t.false(first.done);
  // Backpressure: the upstream is not silent, we are. Sleep well past the idle limit.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  let total = (first.value as Buffer).length;
  for (let next = await reader.next(); !next.done; next = await reader.next()) total += (next.value as Buffer).length;
  t.is(total, payload.length);
});

test('a connection that never completes within timeouts.connect → AAPI_ERR_UPSTREAM_TIMEOUT', async (t) => {
  // A real connect timeout needs a peer that never completes the handshake. On loopback the
  // kernel completes every TCP handshake at once (Node accepts eagerly, so the backlog never
  // fills) and unroutable addresses are off limits here. The connect timeout spans TCP and
  // TLS, so an https URL against a server that accepts the TCP connection and never answers the
  // TLS ClientHello exercises the same timer for real.
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  const port = await listen(server);
  const client = new UpstreamClient(upstreamConfig({ timeouts: { connect: 0.3, headers: 10, idle: 10 } }));
  t.teardown(async () => {
    await client.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const err = await t.throwsAsync(client.request(`https://127.0.0.1:${port}/x`));
  t.is(codeOf(err), 'AAPI_ERR_UPSTREAM_TIMEOUT');
  t.regex(err?.message ?? '', /connecting for more than 0\.3s: https:\/\/127\.0\.0\.1:\d+\/x/);
  t.is(sockets.size, 1);
});

test('a per-request connect timeout override applies', async (t) => {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  const port = await listen(server);
  const client = new UpstreamClient(upstreamConfig({ timeouts: { connect: 60, headers: 10, idle: 10 } }));
  t.teardown(async () => {
    await client.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const err = await t.throwsAsync(client.request(`https://127.0.0.1:${port}/x`, { timeouts: { connect: 0.2 } }));
  t.regex(err?.message ?? '', /connecting for more than 0\.2s/);
});

test('a refused connection → AAPI_ERR_UPSTREAM_UNREACHABLE', async (t) => {
  const port = await closedPort();
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(() => client.close());

  const err = await t.throwsAsync(client.request(`http://127.0.0.1:${port}/x`));
  t.is(codeOf(err), 'AAPI_ERR_UPSTREAM_UNREACHABLE');
  t.regex(err?.message ?? '', /connection refused: http:\/\/127\.0\.0\.1:\d+\/x/);
  t.true(isUnreachable(err));
});

test('a connection reset before the headers → AAPI_ERR_UPSTREAM_UNREACHABLE', async (t) => {
  const server = createServer((req) => req.socket.destroy());
  const port = await listen(server);
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await closeServer(server);
  });

  const err = await t.throwsAsync(client.request(`http://127.0.0.1:${port}/x`));
  t.is(codeOf(err), 'AAPI_ERR_UPSTREAM_UNREACHABLE');
});

test('a body cut off mid-way fails with AAPI_ERR_UPSTREAM_UNREACHABLE', async (t) => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('only a little', () => res.socket?.destroy());
  });
  const port = await listen(server);
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await closeServer(server);
  });

  const res = await client.request(`http://127.0.0.1:${port}/x`);
  const err = await t.throwsAsync(readAll(res.body));
  t.is(codeOf(err), 'AAPI_ERR_UPSTREAM_UNREACHABLE');
});

test('error messages name the host but never the credentials', async (t) => {
  const port = await closedPort();
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(() => client.close());

  const err = (await t.throwsAsync(
    client.request(`http://bob:hunter2@127.0.0.1:${port}/p?X-Amz-Signature=sig`, {
      credentials: { username: 'alice', password: 'opensesame' },
    }),
  )) as AapiError;
  const text = `${err.message} ${JSON.stringify(err.toJSON())} ${String(err.cause)}`;
  t.regex(text, /127\.0\.0\.1/);
  for (const secret of ['hunter2', 'bob', 'opensesame', 'alice', 'sig']) t.false(text.includes(secret), secret);
});
