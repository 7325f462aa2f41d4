import { createServer as createHttpsServer } from 'node:https';
import test from 'ava';
import { UpstreamClient } from '../src/upstream/index.js';
import { closeServer, listen, readAll, selfSignedCert, upstreamConfig } from './upstream-helpers.js';

test('at most 64 sockets per origin; requests queued behind them get freed TLS sockets', async (t) => {
  const { key, cert, certFile } = selfSignedCert();
  let connections = 0;
  const server = createHttpsServer({ key, cert }, (req, res) => {
    // Holds every socket busy for a moment so that the later requests have to queue.
    setTimeout(() => res.writeHead(200).end(`got ${req.url}`), 100);
  });
  server.on('secureConnection', () => (connections += 1));
  const port = await listen(server);
  // A queued request handed a socket that finished its handshake long ago must not wait for a
  // second 'secureConnect'; if it did, this connect timeout would fail it.
  const client = new UpstreamClient(upstreamConfig({ ca_file: certFile, timeouts: { connect: 30, headers: 30, idle: 30 } }));
  t.teardown(async () => {
    await client.close();
    await closeServer(server);
  });

  const bodies = await Promise.all(
    Array.from({ length: 100 }, async (_, i) => {
      const res = await client.request(`https://127.0.0.1:${port}/q${i}`);
      return (await readAll(res.body)).toString();
    }),
  );
  t.deepEqual(bodies, Array.from({ length: 100 }, (_, i) => `got /q${i}`));
  t.is(connections, 64);
});
