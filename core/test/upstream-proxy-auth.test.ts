import test from 'ava';
import { isAapiError, type AapiError } from '../src/errors.js';
import { UpstreamClient } from '../src/upstream/index.js';
import { readAll, startRawServer, upstreamConfig } from './upstream-helpers.js';

const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** A proxy that wants credentials: it records each request head, relays nothing, and refuses CONNECT. */
async function strictProxy(t: { teardown: (fn: () => Promise<void>) => void }) {
  const heads: string[] = [];
  const proxy = await startRawServer((socket, _n, head) => {
    heads.push(head);
    if (head.startsWith('CONNECT ')) socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n');
    else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nvia proxy');
  });
  t.teardown(() => proxy.close());
  return { heads, port: new URL(proxy.url).port };
}

test('proxy credentials from the proxy URL go as Proxy-Authorization on absolute-URI requests', async (t) => {
  const { heads, port } = await strictProxy(t);
  const client = new UpstreamClient(upstreamConfig({ proxy: `http://px%40corp:s3cr%3At@127.0.0.1:${port}` }));
  t.teardown(() => client.close());

  const res = await client.request('http://upstream.invalid/pkg.tgz');
  t.is((await readAll(res.body)).toString(), 'via proxy');
  t.regex(heads[0] ?? '', /^GET http:\/\/upstream\.invalid\/pkg\.tgz HTTP\/1\.1\r\n/);
  t.regex(heads[0] ?? '', /\r\nhost: upstream\.invalid\r\n/i);
  t.true((heads[0] ?? '').toLowerCase().includes(`proxy-authorization: ${basic('px@corp', 's3cr:t')}`.toLowerCase()));
});

test('a CONNECT refused by the proxy is AAPI_ERR_UPSTREAM_UNREACHABLE without the proxy credentials in the message', async (t) => {
  const { heads, port } = await strictProxy(t);
  const client = new UpstreamClient(upstreamConfig({ proxy: `http://px:hunter2@127.0.0.1:${port}` }));
  t.teardown(() => client.close());

  const err = (await t.throwsAsync(client.request('https://upstream.invalid/secret.tgz?sig=abc'))) as AapiError;
  t.is(isAapiError(err) ? err.code : undefined, 'AAPI_ERR_UPSTREAM_UNREACHABLE');
  t.regex(err.message, /outbound proxy refused the request \(Proxy answered CONNECT with 407\): https:\/\/upstream\.invalid\/secret\.tgz$/);
  t.regex(heads[0] ?? '', /^CONNECT upstream\.invalid:443 HTTP\/1\.1\r\nHost: upstream\.invalid:443\r\n/);
  t.true((heads[0] ?? '').includes(`Proxy-Authorization: ${basic('px', 'hunter2')}`));
  const text = `${err.message} ${JSON.stringify(err.toJSON())} ${String(err.cause)}`;
  for (const secret of ['hunter2', 'sig=abc']) t.false(text.includes(secret), secret);
});
