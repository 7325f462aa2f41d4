import test, { type ExecutionContext } from 'ava';
import { get } from 'node:http';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { waitUntilExpired } from './helpers/expiry.js';
import { captureLogs, type CapturedLogs } from './helpers/log-capture.js';
import { genericRemote, startProxy, type TestProxy } from './helpers/proxy.js';

// Hits whose entry and bytes are in memory are answered ahead of fastify (src/http/hot-path.ts).
// These tests pin that it answers exactly what the full pipeline answers, and that it steps aside
// for everything it does not handle. Which path answered shows in the request's log line: the
// hot path's request ids start with "hot-".

const LAST_MODIFIED = new Date('2024-02-03T04:05:06Z');
const BODY = Buffer.from('hot bytes '.repeat(300));

async function hotProxy(t: ExecutionContext, extra = ''): Promise<{ proxy: TestProxy; logs: CapturedLogs; url: string; upstreamGets: () => number }> {
  const upstream = await startUpstream({
    files: { '/dist/tool-1.0.tgz': { body: BODY, contentType: 'application/gzip', lastModified: LAST_MODIFIED } },
  });
  t.teardown(() => upstream.close());
  const logs = captureLogs();
  const proxy = await startProxy(t, genericRemote(upstream.url, extra), { logger: logs.logger });
  return { proxy, logs, url: `${proxy.url}/api/v1/remote/up/dist/tool-1.0.tgz`, upstreamGets: () => upstream.hits('/dist/tool-1.0.tgz', 'GET') };
}

/** The request ids of the logged artifact requests, in order. */
function requestIds(logs: CapturedLogs): string[] {
  return logs.lines.filter((l) => l.msg === 'request' && 'repo' in l).map((l) => String(l.reqId));
}

function comparable(res: Response): Record<string, string> {
  const headers = Object.fromEntries(res.headers);
  delete headers.date;
  return headers;
}

test('a hot hit is answered ahead of fastify with the same status, headers and body as the pipeline', async (t) => {
  const { logs, url, upstreamGets } = await hotProxy(t);
  const miss = await fetch(url);
  t.is(miss.headers.get('x-artifact-cache'), 'MISS');
  await miss.arrayBuffer();
  // The first hit reads the blob into memory through the pipeline; the next ones are hot.
  const viaPipeline = await fetch(url);
  const pipelineBody = Buffer.from(await viaPipeline.arrayBuffer());
  const viaHotPath = await fetch(url);
  const hotBody = Buffer.from(await viaHotPath.arrayBuffer());

  t.is(viaHotPath.status, 200);
  t.deepEqual(comparable(viaHotPath), comparable(viaPipeline));
  t.like(comparable(viaHotPath), {
    'x-artifact-cache': 'HIT',
    'x-artifact-source': 'cache',
    'content-type': 'application/gzip',
    'content-length': String(BODY.byteLength),
    'last-modified': LAST_MODIFIED.toUTCString(),
    'content-disposition': 'attachment; filename="tool-1.0.tgz"',
    'accept-ranges': 'bytes',
  });
  t.regex(viaHotPath.headers.get('etag') ?? '', /^"[0-9a-f]{64}"$/);
  t.true(hotBody.equals(BODY));
  t.true(pipelineBody.equals(BODY));
  t.is(upstreamGets(), 1);

  const ids = requestIds(logs);
  t.is(ids.length, 3);
  t.false(ids[1]!.startsWith('hot-'), 'the first hit went through the pipeline');
  t.true(ids[2]!.startsWith('hot-'), 'the second hit was answered by the hot path');
  const hotLine = logs.lines.filter((l) => l.msg === 'request').at(-1)!;
  t.like(hotLine, { method: 'GET', url: '/api/v1/remote/up/dist/tool-1.0.tgz', status: 200, repo: 'up', path: 'dist/tool-1.0.tgz', cache: 'HIT', bytes: BODY.byteLength });
  t.is(typeof hotLine.ms, 'number');
});

test('HEAD on a hot entry has the headers the pipeline gives a HEAD, and no body', async (t) => {
  const { logs, url } = await hotProxy(t);
  await (await fetch(url)).arrayBuffer();
  // This HEAD reads the blob into memory through the pipeline; the next one is hot.
  const viaPipeline = await fetch(url, { method: 'HEAD' });
  await viaPipeline.arrayBuffer();
  t.false(String(logs.lines.at(-1)?.reqId).startsWith('hot-'));
  const head = await fetch(url, { method: 'HEAD' });
  t.is(head.status, 200);
  t.deepEqual(comparable(head), comparable(viaPipeline));
  t.is(head.headers.get('content-length'), String(BODY.byteLength));
  t.is((await head.arrayBuffer()).byteLength, 0);
  const last = logs.lines.filter((l) => l.msg === 'request').at(-1)!;
  t.like(last, { method: 'HEAD', cache: 'HIT', bytes: 0 });
  t.true(String(last.reqId).startsWith('hot-'));
});

test('Range and conditional requests on a hot entry still get 206, 304 and 416 from the pipeline', async (t) => {
  const { logs, url } = await hotProxy(t);
  for (let i = 0; i < 3; i++) await (await fetch(url)).arrayBuffer();
  const hot = await fetch(url);
  await hot.arrayBuffer();
  const etag = hot.headers.get('etag')!;

  const ranged = await fetch(url, { headers: { range: 'bytes=10-19' } });
  t.is(ranged.status, 206);
  t.true(Buffer.from(await ranged.arrayBuffer()).equals(BODY.subarray(10, 20)));
  const unchanged = await fetch(url, { headers: { 'if-none-match': etag } });
  t.is(unchanged.status, 304);
  const notModified = await fetch(url, { headers: { 'if-modified-since': LAST_MODIFIED.toUTCString() } });
  t.is(notModified.status, 304);
  const outside = await fetch(url, { headers: { range: `bytes=${BODY.byteLength + 10}-` } });
  t.is(outside.status, 416);
  await outside.arrayBuffer();

  const ids = requestIds(logs).slice(-4);
  t.true(ids.every((id) => !id.startsWith('hot-')), ids.join(' '));
});

test('an expired mutable entry is not served hot: it is revalidated', async (t) => {
  const { proxy, url, upstreamGets } = await hotProxy(t, "mutable_patterns: ['^dist/']\ncheck_mutable_updates: true\ncache: { mutable_ttl: 1 }");
  for (let i = 0; i < 3; i++) await (await fetch(url)).arrayBuffer();
  t.is(upstreamGets(), 1);
  await waitUntilExpired(proxy, 'up', 'dist/tool-1.0.tgz');
  const after = await fetch(url);
  await after.arrayBuffer();
  t.not(after.headers.get('x-artifact-cache'), 'HIT');
  t.is(upstreamGets(), 2);
});

test('hot hits are counted in /metrics like the others', async (t) => {
  const { proxy, url } = await hotProxy(t);
  for (let i = 0; i < 5; i++) await (await fetch(url)).arrayBuffer();
  await (await fetch(url, { method: 'HEAD' })).arrayBuffer();
  const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
  t.regex(metrics, /artifactapi_artifact_requests_total\{repo="up",cache="MISS",status="200"\} 1\n/);
  t.regex(metrics, /artifactapi_artifact_requests_total\{repo="up",cache="HIT",status="200"\} 5\n/);
  t.regex(metrics, new RegExp(`artifactapi_artifact_bytes_total\\{repo="up"\\} ${5 * BODY.byteLength}\\n`));
});

test('Range and conditional headers are noticed whatever their case', async (t) => {
  const { logs, url } = await hotProxy(t);
  for (let i = 0; i < 3; i++) await (await fetch(url)).arrayBuffer();
  t.true(requestIds(logs).at(-1)!.startsWith('hot-'));
  // fetch sends header names in lower case; node:http sends them as written.
  const { status, body } = await rawGet(url, { RANGE: 'bytes=0-3' });
  t.is(status, 206);
  t.is(body.toString(), BODY.subarray(0, 4).toString());
  const revalidated = await rawGet(url, { 'If-None-Match': '*' });
  t.is(revalidated.status, 304);
  t.true(requestIds(logs).slice(-2).every((id) => !id.startsWith('hot-')));
});

test('a repository changed through the API applies to URLs it answered hot before (a new blocklist denies them)', async (t) => {
  const upstream = await startUpstream({ files: { '/dist/tool-1.0.tgz': { body: BODY, contentType: 'application/gzip' } } });
  t.teardown(() => upstream.close());
  const logs = captureLogs();
  const proxy = await startProxy(t, 'auth: { admin_token: test-token }\n', { logger: logs.logger });
  const api = (method: string, path: string, body: unknown) =>
    fetch(`${proxy.url}${path}`, {
      method,
      headers: { authorization: 'Bearer test-token', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const made = await api('POST', '/api/v2/remotes', { name: 'made', package: 'generic', base_url: upstream.url });
  t.is(made.status, 201, await made.text());
  const url = `${proxy.url}/api/v1/remote/made/dist/tool-1.0.tgz`;
  for (let i = 0; i < 3; i++) await (await fetch(url)).arrayBuffer();
  t.true(requestIds(logs).at(-1)!.startsWith('hot-'), 'the URL is answered hot');

  const replaced = await api('PUT', '/api/v2/remotes/made', { package: 'generic', base_url: upstream.url, blocklist: ['^dist/'] });
  t.is(replaced.status, 200, await replaced.text());
  const denied = await fetch(url);
  t.is(denied.status, 403);
  t.is(((await denied.json()) as { error: { code: string } }).error.code, 'AAPI_ERR_PATH_DENIED');

  const allowed = await api('PUT', '/api/v2/remotes/made', { package: 'generic', base_url: upstream.url });
  t.is(allowed.status, 200, await allowed.text());
  for (let i = 0; i < 2; i++) await (await fetch(url)).arrayBuffer();
  const last = await fetch(url);
  t.true(Buffer.from(await last.arrayBuffer()).equals(BODY));
  t.true(requestIds(logs).at(-1)!.startsWith('hot-'), 'hot again once allowed');
  t.is(((await api('DELETE', '/api/v2/remotes/made', undefined)).status), 204);
  const gone = await fetch(url);
  t.is(gone.status, 404);
  await gone.arrayBuffer();
});

test('a hot URL whose stored file changes is logged and counted with the new size', async (t) => {
  let body = Buffer.from('first version');
  const upstream = await startUpstream({ handlers: { '/latest/tool.txt': (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end(body) } });
  t.teardown(() => upstream.close());
  const logs = captureLogs();
  const proxy = await startProxy(t, genericRemote(upstream.url, 'cache: { mutable_ttl: 1 }'), { logger: logs.logger });
  const url = `${proxy.url}/api/v1/remote/up/latest/tool.txt`;
  for (let i = 0; i < 3; i++) await (await fetch(url)).arrayBuffer();
  body = Buffer.from('the second, longer version');
  await waitUntilExpired(proxy, 'up', 'latest/tool.txt');
  for (let i = 0; i < 3; i++) await (await fetch(url)).arrayBuffer();
  const last = await fetch(url);
  t.is(await last.text(), body.toString());
  const line = logs.lines.filter((l) => l.msg === 'request').at(-1)!;
  t.true(String(line.reqId).startsWith('hot-'));
  t.like(line, { cache: 'HIT', bytes: body.byteLength });
  const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
  const sent = Number(/artifactapi_artifact_bytes_total\{repo="up"\} (\d+)/.exec(metrics)?.[1]);
  const logged = logs.lines.filter((l) => l.msg === 'request' && 'repo' in l);
  t.is(logged.length, 7);
  // Misses stream, and their lines carry no size.
  t.is(sent, logged.reduce((sum, l) => sum + Number(l.bytes ?? 0), 0));
  t.deepEqual(logged.map((l) => l.bytes), [undefined, 13, 13, undefined, 26, 26, 26]);
});

function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}
