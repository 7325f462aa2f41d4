import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { isAapiError } from '../src/errors.js';
import { UpstreamClient } from '../src/upstream/index.js';
import { readAll, upstreamConfig } from './upstream-helpers.js';

// Redirects may leave the upstream's host (GitHub releases, Docker Hub blobs do), but not for a
// loopback, private or link-local address unless the caller allowed that host.

/** `start` (the requested upstream) answers /go with a 302 to `to`; `other` serves /land. */
async function twoServers(t: { teardown(fn: () => unknown): void }, to: (otherPort: string) => string) {
  const other = await startUpstream({ files: { '/land': { body: 'landed' } } });
  const otherPort = new URL(other.url).port;
  const start = await startUpstream({
    handlers: { '/go': (_req, res) => void res.writeHead(302, { location: to(otherPort) }).end() },
  });
  const client = new UpstreamClient(upstreamConfig());
  t.teardown(async () => {
    await client.close();
    await Promise.all([start.close(), other.close()]);
  });
  return { start, other, otherPort, client };
}

function codeOf(err: unknown): string | undefined {
  return isAapiError(err) ? err.code : undefined;
}

test('a redirect to another loopback port not listed is refused and never sent', async (t) => {
  const { start, other, otherPort, client } = await twoServers(t, (port) => `http://127.0.0.1:${port}/land?X-Amz-Signature=secret`);
  const err = await t.throwsAsync(client.request(`${start.url}/go`));
  t.is(codeOf(err), 'AAPI_ERR_UPSTREAM_REDIRECT_REFUSED');
  t.is(isAapiError(err) ? err.status : undefined, 502);
  t.true(err?.message.includes(`127.0.0.1:${otherPort}`), err?.message);
  t.false(err?.message.includes('secret'), 'the query is not repeated');
  t.is(other.requests.length, 0);
});

test('the same redirect is followed once its host:port is listed', async (t) => {
  const { start, other, otherPort, client } = await twoServers(t, (port) => `http://127.0.0.1:${port}/land`);
  const res = await client.request(`${start.url}/go`, { redirectHosts: [`127.0.0.1:${otherPort}`] });
  t.is(res.status, 200);
  t.is((await readAll(res.body)).toString(), 'landed');
  t.is(other.hits('/land'), 1);
});

test('a listed host without a port allows every port of that host', async (t) => {
  const { start, other, client } = await twoServers(t, (port) => `http://localhost:${port}/land`);
  const res = await client.request(`${start.url}/go`, { redirectHosts: ['LOCALHOST'] });
  t.is(res.status, 200);
  t.is((await readAll(res.body)).toString(), 'landed');
  t.is(other.hits('/land'), 1);
});

test('a listed port does not allow the other ports of the host', async (t) => {
  const { start, other, otherPort, client } = await twoServers(t, (port) => `http://127.0.0.1:${port}/land`);
  const err = await t.throwsAsync(client.request(`${start.url}/go`, { redirectHosts: [`127.0.0.1:${Number(otherPort) + 1}`] }));
  t.is(codeOf(err), 'AAPI_ERR_UPSTREAM_REDIRECT_REFUSED');
  t.is(other.requests.length, 0);
});

test('a host name that resolves to a loopback address is refused at lookup', async (t) => {
  // localhost is no IP literal: only the DNS answer (127.0.0.1 / ::1) tells it is loopback.
  const { start, other, client } = await twoServers(t, (port) => `http://localhost:${port}/land`);
  const err = await t.throwsAsync(client.request(`${start.url}/go`));
  t.is(codeOf(err), 'AAPI_ERR_UPSTREAM_REDIRECT_REFUSED');
  t.regex(err?.message ?? '', /localhost:\d+ refused: it leads to a loopback address/);
  t.is(other.requests.length, 0);
});

test('the cloud metadata address is refused before any connection', async (t) => {
  const { start, client } = await twoServers(t, () => 'http://169.254.169.254/latest/meta-data/');
  const err = await t.throwsAsync(client.request(`${start.url}/go`));
  t.is(codeOf(err), 'AAPI_ERR_UPSTREAM_REDIRECT_REFUSED');
  t.regex(err?.message ?? '', /169\.254\.169\.254 refused: it leads to a link-local address/);
});

test('odd spellings of a loopback address are refused too', async (t) => {
  for (const host of ['0x7f.1', '[::ffff:127.0.0.1]', '[::1]', '0.0.0.0', '2130706433']) {
    const { start, client } = await twoServers(t, (port) => `http://${host}:${port}/land`);
    const err = await t.throwsAsync(client.request(`${start.url}/go`));
    t.is(codeOf(err), 'AAPI_ERR_UPSTREAM_REDIRECT_REFUSED', host);
  }
});

test('a refused redirect is not an upstream failure for the breaker', async (t) => {
  const { start, otherPort } = await twoServers(t, (port) => `http://localhost:${port}/land`);
  const strict = new UpstreamClient(upstreamConfig({ breaker: { failures: 1, cooldown: 30 } }));
  t.teardown(() => strict.close());
  // With failures: 1, one counted refusal would open the breaker and the next answer would differ.
  for (let i = 0; i < 3; i++) {
    t.is(codeOf(await t.throwsAsync(strict.request(`${start.url}/go`))), 'AAPI_ERR_UPSTREAM_REDIRECT_REFUSED');
  }
  t.is(strict.breakerState(`${start.url}/go`), 'closed');
  t.is(strict.breakerState(`http://localhost:${otherPort}/land`), 'closed');
});

test('a pooled connection opened without the check is not reused by a redirect hop', async (t) => {
  const { start, other, otherPort, client } = await twoServers(t, (port) => `http://localhost:${port}/land`);
  // A direct request to localhost leaves a keep-alive socket to it in the pool.
  const direct = await client.request(`http://localhost:${otherPort}/land`);
  await readAll(direct.body);
  const err = await t.throwsAsync(client.request(`${start.url}/go`));
  t.is(codeOf(err), 'AAPI_ERR_UPSTREAM_REDIRECT_REFUSED');
  t.is(other.hits('/land'), 1, 'only the direct request');
});

test('behind a wildcard listener every loopback and interface address on its port is this server', async (t) => {
  const { start, other, otherPort } = await twoServers(t, (port) => `http://127.0.0.1:${port}/land`);
  // As if this server listened on 0.0.0.0 at the other server's port; the host is allowed, so
  // only the self check can refuse it.
  const client = new UpstreamClient(upstreamConfig(), { listening: () => [{ address: '0.0.0.0', port: Number(otherPort) }] });
  t.teardown(() => client.close());
  const err = await t.throwsAsync(client.request(`${start.url}/go`, { redirectHosts: ['127.0.0.1'] }));
  t.is(codeOf(err), 'AAPI_ERR_UPSTREAM_REDIRECT_REFUSED');
  t.regex(err?.message ?? '', /points back at this server/);
  t.is(other.requests.length, 0);

  // The same listener on another port is not this server.
  const elsewhere = new UpstreamClient(upstreamConfig(), { listening: () => [{ address: '::', port: Number(otherPort) + 1 }] });
  t.teardown(() => elsewhere.close());
  const res = await elsewhere.request(`${start.url}/go`, { redirectHosts: ['127.0.0.1'] });
  t.is((await readAll(res.body)).toString(), 'landed');
});
