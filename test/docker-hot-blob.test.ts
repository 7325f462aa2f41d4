import test, { type ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { captureLogs, type CapturedLogs } from '@artifactapi/core/testing/log-capture';
import { startProxy } from '@artifactapi/core/testing/proxy';
import { RawConnection } from '@artifactapi/core/testing/raw-http';
import { apiClient } from './api-client.js';
import { getWithHeaders, type HeadersGetResult } from './helpers/get-with-headers.js';

// Docker blob pulls whose blob is in memory are answered ahead of fastify, through the docker
// plugin's `hotReads` (core/src/http/hot-path.ts). These tests pin that the answer is exactly the
// /v2 route's, that the log line and metrics are the same, and that every pull the hot path cannot
// judge still reaches the route. Which path answered shows in the request log: the hot path's
// request ids start "hot-".

const BLOB = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
const DIGEST = `sha256:${createHash('sha256').update(BLOB).digest('hex')}`;

/** A registry upstream on loopback serving BLOB under any image; counts its GETs. */
async function upstream(t: ExecutionContext): Promise<{ url: string; gets: () => number }> {
  let gets = 0;
  const server = createServer((req, res) => {
    if (req.url === '/v2/') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    if (req.url?.endsWith(`/blobs/${DIGEST}`)) {
      gets++;
      return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BLOB.length) }).end(BLOB);
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"BLOB_UNKNOWN","message":"unknown"}]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, gets: () => gets };
}

async function serve(t: ExecutionContext) {
  const registry = await upstream(t);
  const logs = captureLogs();
  const proxy = await startProxy(
    t,
    `auth: { admin_token: admin-secret }
remotes:
  hub: { type: remote, package: docker, base_url: '${registry.url}' }
  private: { type: remote, package: docker, base_url: '${registry.url}', auth: { read: token } }
virtuals:
  all: { package: docker, members: [hub] }
`,
    { logger: logs.logger },
  );
  return { url: proxy.url, logs, gets: registry.gets };
}

function lastLine(logs: CapturedLogs): Record<string, unknown> {
  return logs.lines.filter((l) => l.msg === 'request').at(-1) ?? {};
}

const answeredHot = (logs: CapturedLogs) => String(lastLine(logs).reqId).startsWith('hot-');

function comparable(res: HeadersGetResult): Record<string, unknown> {
  const { date: _date, ...headers } = res.headers;
  return { status: res.status, headers, body: res.body.toString('base64') };
}

const blobUrl = (base: string, repo: string, image = 'tools/app') => `${base}/v2/${repo}/${image}/blobs/${DIGEST}`;

test('a blob in memory is answered hot with the route’s status, headers and body, and the same log line', async (t) => {
  const { url, logs, gets } = await serve(t);
  const first = await getWithHeaders(blobUrl(url, 'hub'), {});
  t.is(first.status, 200);
  t.is(first.headers['x-artifact-cache'], 'MISS');
  t.false(answeredHot(logs));

  // A conditional GET that does not match is a 200 from the route: the answer to compare with.
  const routed = await getWithHeaders(blobUrl(url, 'hub'), { 'if-none-match': '"other"' });
  t.false(answeredHot(logs));
  const routedLine = lastLine(logs);
  const hot = await getWithHeaders(blobUrl(url, 'hub'), {});
  t.true(answeredHot(logs));
  t.deepEqual(comparable(hot), comparable(routed));
  t.is(hot.headers['docker-content-digest'], DIGEST);
  t.is(hot.headers['docker-distribution-api-version'], 'registry/2.0');
  t.is(hot.headers['x-artifact-cache'], 'HIT');
  t.deepEqual(hot.body, BLOB);

  // Both lines name the repository, the repository path and the cache status, as the core's routes do.
  const hotLine = lastLine(logs);
  for (const line of [routedLine, hotLine]) {
    t.like(line, { repo: 'hub', path: `tools/app/blobs/${DIGEST}`, cache: 'HIT', status: 200, bytes: BLOB.length });
  }

  // HEAD is hot too and sends no body.
  const head = await fetch(blobUrl(url, 'hub'), { method: 'HEAD' });
  t.true(answeredHot(logs));
  t.is(head.headers.get('content-length'), String(BLOB.length));
  t.is(head.headers.get('docker-content-digest'), DIGEST);
  t.is((await head.arrayBuffer()).byteLength, 0);
  t.is(gets(), 1);

  // The metrics count the pulls of both paths under the repository.
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const hits = metrics.split('\n').find((l) => l.startsWith('artifactapi_artifact_requests_total') && l.includes('repo="hub"') && l.includes('cache="HIT"'));
  t.truthy(hits, metrics);
  t.is(Number(hits!.split(' ').at(-1)), 3);
});

test('pulls the hot path cannot judge reach the route: conditionals, ranges, queries, tokens, virtual repositories and other endpoints', async (t) => {
  const { url, logs, gets } = await serve(t);
  // The miss stores the blob; the first hit reads it into memory; from then on pulls are hot.
  for (let i = 0; i < 3; i++) t.is((await getWithHeaders(blobUrl(url, 'hub'), {})).status, 200);
  t.true(answeredHot(logs));
  const etag = (await getWithHeaders(blobUrl(url, 'hub'), {})).headers.etag!;

  const notModified = await getWithHeaders(blobUrl(url, 'hub'), { 'if-none-match': etag });
  t.is(notModified.status, 304);
  t.false(answeredHot(logs));

  const range = await getWithHeaders(blobUrl(url, 'hub'), { range: 'bytes=0-9' });
  t.is(range.status, 206);
  t.deepEqual(range.body, BLOB.subarray(0, 10));
  t.false(answeredHot(logs));

  t.is((await getWithHeaders(`${blobUrl(url, 'hub')}?ns=docker.io`, {})).status, 200);
  t.false(answeredHot(logs));

  // The virtual repository tries its members on the route, which finds hub's stored blob.
  const virtual = await getWithHeaders(blobUrl(url, 'all'), {});
  t.is(virtual.status, 200);
  t.deepEqual(virtual.body, BLOB);
  t.false(answeredHot(logs));

  // A repository that needs a token is always checked by the route: a pull without one gets the challenge.
  t.is((await getWithHeaders(blobUrl(url, 'private'), { authorization: 'Basic ' + Buffer.from('x:admin-secret').toString('base64') })).status, 200);
  const refused = await getWithHeaders(blobUrl(url, 'private'), {});
  t.is(refused.status, 401);
  t.regex(String(refused.headers['www-authenticate']), /^Bearer /);
  t.false(answeredHot(logs));

  // A malformed digest and an unknown repository get the registry's own errors.
  const badDigest = await getWithHeaders(`${url}/v2/hub/tools/app/blobs/sha256:nothex`, {});
  t.is(badDigest.status, 400);
  t.is(JSON.parse(badDigest.body.toString()).errors[0].code, 'DIGEST_INVALID');
  const unknown = await getWithHeaders(blobUrl(url, 'nope'), {});
  t.is(unknown.status, 404);
  t.is(JSON.parse(unknown.body.toString()).errors[0].code, 'NAME_UNKNOWN');
  t.false(answeredHot(logs));
  t.is(gets(), 1); // private reuses the blob hub stored: digests are shared
});

test('a docker repository changed or removed through the API no longer answers the pulls it answered hot', async (t) => {
  const registry = await upstream(t);
  const logs = captureLogs();
  const proxy = await startProxy(t, 'auth: { admin_token: admin-secret }\n', { logger: logs.logger });
  const api = apiClient(proxy.url, 'admin-secret');
  t.is((await api.call('POST', '/api/v2/remotes', { name: 'made', package: 'docker', base_url: registry.url })).status, 201);
  const pull = `${proxy.url}/v2/made/app/blobs/${DIGEST}`;
  for (let i = 0; i < 3; i++) t.is((await getWithHeaders(pull, {})).status, 200);
  t.true(answeredHot(logs), 'the pull is answered hot');

  // A blocklist on the repository's paths denies the pull at once.
  t.is((await api.call('PUT', '/api/v2/remotes/made', { package: 'docker', base_url: registry.url, blocklist: ['/blobs/'] })).status, 200);
  const denied = await getWithHeaders(pull, {});
  t.is(denied.status, 403);
  t.false(answeredHot(logs));

  t.is((await api.call('PUT', '/api/v2/remotes/made', { package: 'docker', base_url: registry.url })).status, 200);
  for (let i = 0; i < 3; i++) t.is((await getWithHeaders(pull, {})).status, 200);
  t.true(answeredHot(logs), 'hot again once allowed');
  t.is((await api.call('DELETE', '/api/v2/remotes/made')).status, 204);
  const gone = await getWithHeaders(pull, {});
  t.is(gone.status, 404);
  t.false(answeredHot(logs));
  t.is(registry.gets(), 1);
});

test('on a fresh keep-alive connection the fast lane answers a blob pull as node:http does', async (t) => {
  const { url, logs } = await serve(t);
  for (let i = 0; i < 2; i++) await getWithHeaders(blobUrl(url, 'hub'), {});
  const routed = await getWithHeaders(blobUrl(url, 'hub'), { 'if-none-match': '"other"' });
  const raw = await RawConnection.open(url);
  t.teardown(() => raw.close());
  const path = new URL(blobUrl(url, 'hub')).pathname;
  raw.send(`GET ${path} HTTP/1.1\r\nHost: registry.test\r\nUser-Agent: containers/5.0\r\nAccept-Encoding: gzip\r\n\r\nHEAD ${path} HTTP/1.1\r\nHost: registry.test\r\n\r\n`);
  const [pulled, head] = await raw.responses(2, (i) => i === 1);
  t.regex(String(lastLine(logs).reqId), /^hot-lane-\d+$/);
  t.deepEqual(pulled!.body, BLOB);
  for (const res of [pulled!, head!]) {
    t.is(res.status, 200);
    for (const name of ['docker-content-digest', 'docker-distribution-api-version', 'content-type', 'content-length', 'etag', 'x-artifact-cache']) {
      t.is(res.headers[name], routed.headers[name] as string, name);
    }
  }
  t.like(lastLine(logs), { method: 'HEAD', repo: 'hub', path: `tools/app/blobs/${DIGEST}`, cache: 'HIT', status: 200, bytes: 0 });
});
