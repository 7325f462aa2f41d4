import { randomBytes } from 'node:crypto';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { PostgresMetadataStore } from '../src/metadata/index.js';
import { fetchSummary } from './helpers/fetch-summary.js';
import { eventually, health, whenStored } from './helpers/outage.js';
import { genericRemote, startProxy } from './helpers/proxy.js';
import { postgresProbe, serviceGate, testPostgresUrl } from './helpers/services.js';
import { TcpRelay } from './helpers/tcp-relay.js';

const url = testPostgresUrl();
const gate = await serviceGate(`PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')}`, postgresProbe(url));

gate.test('postgres down: a lookup that needs it is a 503 AAPI_ERR_METADATA_UNAVAILABLE and /health is 503 naming metadata; back up: works without restart, nothing lost', async (t) => {
  // The outage is a relay in front of the machine's PostgreSQL, stopped and started by the test.
  const target = new URL(url);
  const relay = new TcpRelay(target.hostname || '127.0.0.1', Number(target.port || 5432));
  await relay.start();
  t.teardown(() => relay.stop());
  const viaRelay = new URL(url);
  viaRelay.hostname = '127.0.0.1';
  viaRelay.port = String(relay.port);

  // The `entries` table is shared with other test files: this run's paths are its own, and removed after.
  const run = `outage-${randomBytes(6).toString('hex')}`;
  t.teardown(async () => {
    const store = new PostgresMetadataStore({ url });
    for (const entry of await store.list('up', `${run}/`)) await store.delete(entry.repo, entry.path);
    await store.close();
  });
  const upstream = await startUpstream({
    files: { [`/${run}/stored.txt`]: 'stored before the outage', [`/${run}/fresh.txt`]: 'first asked during the outage' },
  });
  t.teardown(() => upstream.close());
  const yaml = `metadata: { type: postgres, url: "${viaRelay.href}" }\n${genericRemote(upstream.url)}`;
  const proxy = await startProxy(t, yaml);
  const artifact = (name: string) => `${proxy.url}/api/v1/remote/up/${run}/${name}`;

  t.like(await fetchSummary(artifact('stored.txt')), { status: 200, source: 'remote' });
  await whenStored(proxy, 'up', `${run}/stored.txt`);

  await relay.stop();
  const down = await eventually('/health during the PostgreSQL outage', () => health(proxy.url), (h) => !h.body.backends.metadata.ok);
  t.is(down.status, 503);
  t.like(down.body, { status: 'unavailable', backends: { storage: { ok: true }, metadata: { kind: 'postgres', ok: false } } });
  t.regex(down.body.backends.metadata.error ?? '', /postgres/);

  const fresh = await fetchSummary(artifact('fresh.txt'));
  t.like(fresh, { status: 503, code: 'AAPI_ERR_METADATA_UNAVAILABLE' });
  t.regex(fresh.body, /postgres/, 'the message names the backend');
  t.is(upstream.hits(`/${run}/fresh.txt`), 0, 'without a lookup nothing is fetched');
  // The memory tier still knows the entry stored before the outage, and the blobs are local.
  t.like(await fetchSummary(artifact('stored.txt')), { status: 200, cache: 'HIT', body: 'stored before the outage' });

  await relay.start();
  const up = await eventually('/health after PostgreSQL is back', () => health(proxy.url), (h) => h.status === 200);
  t.like(up.body, { status: 'ok', backends: { metadata: { ok: true } } });
  t.like(await fetchSummary(artifact('fresh.txt')), { status: 200, source: 'remote', body: 'first asked during the outage' });
  await whenStored(proxy, 'up', `${run}/fresh.txt`);

  // A second server on the same database and blobs has an empty memory tier: it can only answer
  // from PostgreSQL, so this shows the rows written before and after the outage are there.
  const other = await startProxy(t, yaml, { dataDir: proxy.dataDir });
  for (const [name, text] of [['stored.txt', 'stored before the outage'], ['fresh.txt', 'first asked during the outage']] as const) {
    const res = await fetchSummary(`${other.url}/api/v1/remote/up/${run}/${name}`);
    t.like(res, { status: 200, cache: 'HIT', source: 'cache', body: text }, name);
    t.is(upstream.hits(`/${run}/${name}`, 'GET'), 1, `${name} was fetched upstream once`);
  }
});
