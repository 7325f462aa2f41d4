import { connect, createServer } from 'node:net';
import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { fetchSummary as get } from './helpers/fetch-summary.js';
import { genericRemote, startProxy } from './helpers/proxy.js';
import { listen } from './upstream-helpers.js';

// A redirect back to this server would make the request join its own single flight and wait
// for a timeout; an upstream request that comes back through another host would do the same.
// Both end at once with a stable code.

const PATH = '/pkg/a-1.0.tgz';
/** Far longer than the tests may take: a loop that waited for it would time the test out. */
const SLOW = 'timeouts: { connect: 30, headers: 30, idle: 30 }';

test('a redirect to this server for the same path fails fast with AAPI_ERR_UPSTREAM_REDIRECT_REFUSED', async (t) => {
  t.timeout(15_000);
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  // Start on a port first to learn the proxy's address, then point the redirect at it.
  const proxy = await startProxy(t, genericRemote(upstream.url, SLOW));
  const self = `${proxy.url}/api/v1/remote/up${PATH}`;
  upstream.setHandler(PATH, (_req, res) => void res.writeHead(302, { location: self }).end());

  const res = await get(self);
  t.is(res.status, 502);
  t.is(res.code, 'AAPI_ERR_UPSTREAM_REDIRECT_REFUSED');
  t.is(upstream.hits(PATH), 1);
});

test('a redirect to this server is refused even when its host is listed in redirect_hosts', async (t) => {
  t.timeout(15_000);
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  // A bare host allows every port of it, the proxy's own included: only the self check is left.
  const proxy = await startProxy(t, genericRemote(upstream.url, `${SLOW}\nredirect_hosts: ['127.0.0.1']`));
  const self = `${proxy.url}/api/v1/remote/up${PATH}`;
  upstream.setHandler(PATH, (_req, res) => void res.writeHead(302, { location: self }).end());

  const res = await get(self);
  t.is(res.status, 502);
  t.is(res.code, 'AAPI_ERR_UPSTREAM_REDIRECT_REFUSED');
  t.regex(res.body, /redirect to 127\.0\.0\.1:\d+ refused: it points back at this server/);
});

test('an upstream request that comes back to this server is refused with 508 AAPI_ERR_LOOP_DETECTED', async (t) => {
  t.timeout(15_000);
  // base_url goes through a relay that leads back here: the Via marker gives the loop away.
  let target = 0;
  const relay = createServer((client) => {
    const server = connect(target, '127.0.0.1');
    for (const socket of [client, server]) socket.on('error', () => [client, server].forEach((s) => s.destroy()));
    client.pipe(server).pipe(client);
  });
  const relayPort = await listen(relay);
  t.teardown(() => new Promise<void>((resolve) => relay.close(() => resolve())));
  const proxy = await startProxy(t, genericRemote(`http://127.0.0.1:${relayPort}/api/v1/remote/up`, SLOW));
  target = Number(new URL(proxy.url).port);

  const res = await get(`${proxy.url}/api/v1/remote/up${PATH}`);
  t.is(res.status, 502);
  t.is(res.code, 'AAPI_ERR_UPSTREAM_FAILED');
  t.regex(JSON.parse(res.body).error.message, /upstream answered 508/);
});

test('only this server\'s own Via entry is a loop', async (t) => {
  const upstream = await startUpstream({ files: { [PATH]: { body: 'artifact' } } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const url = `${proxy.url}/api/v1/remote/up${PATH}`;

  const other = await get(url, { headers: { via: '1.1 corp-proxy, 1.1 artifactapi-000000000000' } });
  t.is(other.status, 200);
  t.is(other.body, 'artifact');
  // What this server sent upstream, sent back to it.
  const own = upstream.requests[0]?.headers.via;
  t.regex(String(own), /^1\.1 artifactapi-[0-9a-f]{12}$/);
  const looped = await get(`${proxy.url}/api/v1/remote/up/other`, { headers: { via: `1.0 fred, ${String(own)}` } });
  t.is(looped.status, 508);
  t.is(looped.code, 'AAPI_ERR_LOOP_DETECTED');
  t.is(upstream.hits('/other'), 0);
});
