import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { slowBody } from './helpers/slow-upstream.js';
import { genericRemote, startProxy } from './helpers/proxy.js';

// Regression: close() used to drop only the connections idle at that moment. A keep-alive
// connection whose response was still running turned idle afterwards and held shutdown for
// fastify's keepAliveTimeout (72 s).

test('close() does not wait for keepAliveTimeout when a response finishes after it was called', async (t) => {
  const body = Buffer.alloc(3 * 1024 * 1024, 'z');
  let releaseLast!: () => void;
  const lastChunkHeld = new Promise<void>((resolve) => (releaseLast = resolve));
  const slow = slowBody(body, { beforeLastChunk: () => lastChunkHeld });
  const upstream = await startUpstream({ handlers: { '/big.bin': slow.handler } });
  t.teardown(() => upstream.close());
  t.teardown(releaseLast);
  const proxy = await startProxy(t, genericRemote(upstream.url));

  // The response is under way (headers out, body held back with the last upstream chunk) when
  // close() is called, and ends after it.
  const res = await fetch(`${proxy.url}/api/v1/remote/up/big.bin`);
  t.is(res.status, 200);
  const received = res.arrayBuffer();
  const closed = proxy.close().then(() => 'closed' as const);
  await sleep(100);
  releaseLast();
  t.is((await received).byteLength, body.byteLength);
  // Far below the 72 s it used to take, far above what closing takes on a loaded machine.
  const outcome = await Promise.race([closed, sleep(30_000).then(() => 'still open' as const)]);
  t.is(outcome, 'closed');
});
