import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { startUpstream, type UpstreamServer } from '@artifactapi/plugin-sdk/testkit';
import type { ExecutionContext } from 'ava';
import { fetchSummary } from './helpers/fetch-summary.js';
import { hashedGet } from './helpers/hashed-get.js';
import { captureLogs, type CapturedLogs } from './helpers/log-capture.js';
import { eventually, health, whenStored } from './helpers/outage.js';
import { genericRemote, startProxy, type TestProxy } from './helpers/proxy.js';
import { startPrivateRedis, type PrivateRedis } from './helpers/redis-fixture.js';
import { serviceGate } from './helpers/services.js';
import { sha256 } from './conformance/blob-store-conformance.js';

// Each test kills its own redis-server, never the machine's shared one.
const gate = await serviceGate('redis-server (binary)', async () => {
  await promisify(execFile)('redis-server', ['--version']);
});

interface RedisSetup {
  redis: PrivateRedis;
  upstream: UpstreamServer;
  proxy: TestProxy;
  logs: CapturedLogs;
}

/** A proxy coordinated through a private Redis; metadata and blobs stay embedded. */
async function setup(t: ExecutionContext): Promise<RedisSetup> {
  const redis = await startPrivateRedis();
  t.teardown(() => redis.dispose());
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  const logs = captureLogs();
  const proxy = await startProxy(t, `coordination: { type: redis, url: ${redis.url} }\n${genericRemote(upstream.url)}`, { logger: logs.logger });
  return { redis, upstream, proxy, logs };
}

const isDegraded = (h: Awaited<ReturnType<typeof health>>) => h.body.backends.coordination.ok === false;

gate.test('redis down: cache hits are served, /health is degraded with HTTP 200 and a warning is logged; back up: ok without restart', async (t) => {
  const { redis, upstream, proxy, logs } = await setup(t);
  t.like(await health(proxy.url), { status: 200, body: { status: 'ok', backends: { coordination: { kind: 'redis', ok: true } } } });
  upstream.setFile('/stored.bin', 'stored before the outage');
  t.like(await fetchSummary(`${proxy.url}/api/v1/remote/up/stored.bin`), { status: 200, source: 'remote' });
  await whenStored(proxy, 'up', 'stored.bin');

  await redis.stop();
  const down = await eventually('/health during the Redis outage', () => health(proxy.url), isDegraded);
  t.is(down.status, 200, 'a replica without coordination still serves, so it stays ready');
  t.like(down.body, { status: 'degraded', backends: { storage: { ok: true }, metadata: { ok: true }, coordination: { kind: 'redis', ok: false } } });
  t.regex(down.body.backends.coordination.error ?? '', /Redis/);

  const hit = await fetchSummary(`${proxy.url}/api/v1/remote/up/stored.bin`);
  t.like(hit, { status: 200, cache: 'HIT', source: 'cache', body: 'stored before the outage' });
  t.is(upstream.hits('/stored.bin', 'GET'), 1);
  // Logged when the first reconnection attempt is refused, which may come a little after /health noticed.
  await eventually('a warning naming Redis', async () => logs.warnings(/Redis unreachable/).length, (n) => n > 0);
  t.pass('the outage is logged as a warning naming Redis');

  await redis.start();
  const up = await eventually('/health after Redis is back', () => health(proxy.url), (h) => h.body.status === 'ok');
  t.is(up.status, 200);
  t.true(up.body.backends.coordination.ok);
  // Invalidations other replicas published during the outage never arrived: memory must start afresh.
  const resumed = () => logs.lines.filter((l) => /cache invalidations resumed; memory tier cleared/.test(l.msg ?? '')).length;
  await eventually('the memory tier cleared once invalidations resume', async () => resumed(), (n) => n > 0);
  t.is(resumed(), 1);
  t.like(await fetchSummary(`${proxy.url}/api/v1/remote/up/stored.bin`), { status: 200, cache: 'HIT', body: 'stored before the outage' });
  t.is(upstream.hits('/stored.bin', 'GET'), 1, 'nothing stored before the outage was lost');
});

gate.test('redis down: 10 concurrent requests for one cold file make one upstream GET (per-process single flight); after it, cold misses still work', async (t) => {
  const { redis, upstream, proxy, logs } = await setup(t);
  await redis.stop();
  await eventually('/health during the Redis outage', () => health(proxy.url), isDegraded);

  // The upstream sends half the body, then holds the rest until every client has its first
  // bytes: all 10 requests are then certainly in flight together, whatever the machine's load.
  const body = randomBytes(2 * 1024 * 1024);
  let firstBytes = 0;
  let release!: () => void;
  const allJoined = new Promise<void>((resolve) => (release = resolve));
  upstream.setHandler('/cold.bin', async (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.byteLength) });
    res.write(body.subarray(0, body.byteLength / 2));
    await Promise.race([allJoined, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    res.end(body.subarray(body.byteLength / 2));
  });
  const onFirstByte = () => {
    if (++firstBytes === 10) release();
  };
  const answers = await Promise.all(Array.from({ length: 10 }, () => hashedGet(`${proxy.url}/api/v1/remote/up/cold.bin`, { onFirstByte })));
  for (const answer of answers) {
    t.like(answer, { status: 200, complete: true, size: body.byteLength, sha256: sha256(body) });
  }
  t.is(upstream.hits('/cold.bin', 'GET'), 1);
  t.true(logs.warnings(/single flight is per process/).length > 0, 'the fallback is logged');
  await whenStored(proxy, 'up', 'cold.bin');

  await redis.start();
  await eventually('/health after Redis is back', () => health(proxy.url), (h) => h.body.status === 'ok');
  t.like(await fetchSummary(`${proxy.url}/api/v1/remote/up/cold.bin`), { status: 200, cache: 'HIT' });
  upstream.setFile('/after.txt', 'fetched once Redis is back');
  t.like(await fetchSummary(`${proxy.url}/api/v1/remote/up/after.txt`), { status: 200, source: 'remote', body: 'fetched once Redis is back' });
  t.is(upstream.hits('/cold.bin', 'GET'), 1);
});
