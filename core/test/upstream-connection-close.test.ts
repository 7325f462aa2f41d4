import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { isAapiError } from '../src/errors.js';
import { UpstreamClient } from '../src/upstream/index.js';
import { startRawServer, upstreamConfig } from './upstream-helpers.js';

/** 4 MiB that are not all alike, so a reordered or repeated chunk shows. */
const PAYLOAD = Buffer.from(Array.from({ length: 4 * 1024 * 1024 }, (_, i) => (i * 7 + (i >> 12)) % 251));

/**
 * Reads like a slow downstream client: waits before the first read and a little after each
 * chunk, so the upstream's data and its FIN arrive while the body is under backpressure.
 */
async function readSlowly(body: Readable): Promise<Buffer> {
  await sleep(200);
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    await sleep(1);
  }
  return Buffer.concat(chunks);
}

test('a slow consumer gets the whole body of a Connection: close upstream (undici #5360 crashed the process here)', async (t) => {
  const upstream = await startRawServer((socket) => {
    socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${PAYLOAD.length}\r\nConnection: close\r\n\r\n`);
    socket.end(PAYLOAD);
  });
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await upstream.close();
  });

  // undici 7 threw its uncatchable assertion within the first few of these.
  for (let i = 0; i < 3; i += 1) {
    const res = await client.request(`${upstream.url}/big-${i}`);
    t.is(res.status, 200);
    t.true((await readSlowly(res.body)).equals(PAYLOAD));
  }
  t.is(upstream.connections, 3);
});

test('an HTTP/1.0 upstream that ends the body by closing the connection is read whole', async (t) => {
  // What `python3 -m http.server` does: no Content-Length, the body ends at the FIN.
  const upstream = await startRawServer((socket) => {
    socket.write('HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n');
    socket.end(PAYLOAD);
  });
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await upstream.close();
  });

  const res = await client.request(`${upstream.url}/file.bin`);
  t.is(res.status, 200);
  t.true((await readSlowly(res.body)).equals(PAYLOAD));
});

test('a body closed (FIN) before Content-Length bytes fails instead of ending short', async (t) => {
  const upstream = await startRawServer((socket) => {
    socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${PAYLOAD.length}\r\n\r\n`);
    socket.end(PAYLOAD.subarray(0, PAYLOAD.length / 2));
  });
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await upstream.close();
  });

  const res = await client.request(`${upstream.url}/short`);
  const err = await t.throwsAsync(readSlowly(res.body));
  t.is(isAapiError(err) ? err.code : undefined, 'AAPI_ERR_UPSTREAM_UNREACHABLE');
  t.regex(err?.message ?? '', /127\.0\.0\.1:\d+\/short/);
  t.true(res.body.destroyed);
});

test('a chunked body closed before its last chunk fails instead of ending short', async (t) => {
  const upstream = await startRawServer((socket) => {
    socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    socket.end('5\r\nhello\r\n');
  });
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await upstream.close();
  });

  const res = await client.request(`${upstream.url}/chunked`);
  const err = await t.throwsAsync(readSlowly(res.body));
  t.is(isAapiError(err) ? err.code : undefined, 'AAPI_ERR_UPSTREAM_UNREACHABLE');
});

test('a complete chunked body ended by Connection: close is read whole', async (t) => {
  const upstream = await startRawServer((socket) => {
    socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n');
    socket.end('5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
  });
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await upstream.close();
  });

  const res = await client.request(`${upstream.url}/chunked`);
  t.is((await readSlowly(res.body)).toString(), 'hello world');
});

test('a body framed by the connection end fails when the connection is reset instead of closed', async (t) => {
  const upstream = await startRawServer((socket) => {
    socket.write('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n');
    socket.write(PAYLOAD.subarray(0, 300));
    setTimeout(() => socket.resetAndDestroy(), 50);
  });
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await upstream.close();
  });

  const res = await client.request(`${upstream.url}/cut.bin`);
  t.is(res.status, 200);
  const err = await t.throwsAsync(readSlowly(res.body));
  t.true(isAapiError(err) && err.code === 'AAPI_ERR_UPSTREAM_UNREACHABLE', `got ${String(err)}`);
});
