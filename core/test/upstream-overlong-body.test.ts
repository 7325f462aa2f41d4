import type { Socket } from 'node:net';
import test from 'ava';
import { UpstreamClient } from '../src/upstream/index.js';
import { readAll, startRawServer, upstreamConfig } from './upstream-helpers.js';

/** A whole second response: if it were ever read as the answer to the next request, the cache would be poisoned. */
const SMUGGLED = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nEVIL!';

/** Answers request n with `body-n` and then sends bytes it never declared, at once or a little later. */
function overlong(extra: string, later: boolean) {
  return (socket: Socket, n: number): void => {
    const body = `body-${n}`;
    const head = `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`;
    if (later) {
      socket.write(head + body);
      setTimeout(() => socket.write(extra), 50);
    } else {
      socket.write(head + body + extra);
    }
  };
}

for (const [name, extra, later] of [
  ['garbage in the same packet', 'EXTRA-BYTES-BEYOND-THE-LENGTH', false],
  ['a whole response in the same packet', SMUGGLED, false],
  ['a whole response on the idle pooled socket', SMUGGLED, true],
] as const) {
  test(`a body longer than Content-Length is cut at the declared length: ${name}`, async (t) => {
    const upstream = await startRawServer(overlong(extra, later));
    const client = new UpstreamClient(upstreamConfig());
    t.teardown(async () => {
      await client.close();
      await upstream.close();
    });

    for (let i = 0; i < 3; i += 1) {
      const res = await client.request(`${upstream.url}/f${i}`);
      t.is(res.status, 200);
      // Every request gets exactly the body declared for it, never the extra bytes.
      t.regex((await readAll(res.body)).toString(), /^body-\d$/);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
}
