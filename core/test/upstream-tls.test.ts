import { createServer as createHttpsServer } from 'node:https';
import test from 'ava';
import { isAapiError } from '../src/errors.js';
import { UpstreamClient } from '../src/upstream/index.js';
import { closeServer, listen, readAll, selfSignedCert, upstreamConfig } from './upstream-helpers.js';

async function httpsOrigin(t: { teardown: (fn: () => Promise<void>) => void }): Promise<{ url: string; certFile: string }> {
  const { key, cert, certFile } = selfSignedCert();
  const server = createHttpsServer({ key, cert }, (req, res) => res.writeHead(200).end(`tls ${req.url}`));
  const port = await listen(server);
  t.teardown(() => closeServer(server));
  return { url: `https://127.0.0.1:${port}`, certFile };
}

test('a self-signed upstream is refused without ca_file', async (t) => {
  const { url } = await httpsOrigin(t);
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(() => client.close());

  const err = await t.throwsAsync(client.request(`${url}/x`));
  t.is(isAapiError(err) ? err.code : undefined, 'AAPI_ERR_UPSTREAM_UNREACHABLE');
  t.regex(err?.message ?? '', /TLS failure \(\w+\): https:\/\/127\.0\.0\.1:\d+\/x/);
});

test('ca_file makes the self-signed upstream trusted', async (t) => {
  const { url, certFile } = await httpsOrigin(t);
  const client = new UpstreamClient(upstreamConfig({ ca_file: certFile }));
  t.teardown(() => client.close());

  const res = await client.request(`${url}/x`);
  t.is(res.status, 200);
  t.is((await readAll(res.body)).toString(), 'tls /x');
});

test('an unreadable ca_file is a config error naming the key', (t) => {
  const err = t.throws(() => new UpstreamClient(upstreamConfig({ ca_file: '/nonexistent/ca.pem' })));
  t.is(isAapiError(err) ? err.code : undefined, 'AAPI_ERR_CONFIG_INVALID');
  t.regex(err?.message ?? '', /upstream\.ca_file/);
});
