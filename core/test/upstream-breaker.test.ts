import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import test from 'ava';
import { isAapiError } from '../src/errors.js';
import { UpstreamClient, isUnreachable } from '../src/upstream/index.js';
import { closedPort, closeServer, listen, readAll, upstreamConfig } from './upstream-helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** An origin whose behaviour the test switches, counting every request it receives. */
async function switchable(t: { teardown: (fn: () => Promise<void>) => void }, initial: Handler) {
  const state = { handler: initial, hits: 0 };
  const server = createServer((req, res) => {
    state.hits += 1;
    state.handler(req, res);
  });
  const port = await listen(server);
  t.teardown(() => closeServer(server));
  return { state, base: `http://127.0.0.1:${port}` };
}

const status = (code: number): Handler => (_req, res) => res.writeHead(code).end(`status ${code}`);

/** A clock the test moves by hand, so the cooldown passes without sleeping. */
function clock(): { now: () => number; advance: (seconds: number) => void } {
  let ms = 1_700_000_000_000;
  return { now: () => ms, advance: (seconds) => (ms += seconds * 1000) };
}

async function get(client: UpstreamClient, url: string): Promise<number> {
  const res = await client.request(url);
  await readAll(res.body);
  return res.status;
}

function codeOf(err: unknown): string | undefined {
  return isAapiError(err) ? err.code : undefined;
}

test('consecutive 5xx open the breaker; then requests fail fast with no traffic', async (t) => {
  const { state, base } = await switchable(t, status(503));
  const time = clock();
  const client = new UpstreamClient(upstreamConfig({ breaker: { failures: 3, cooldown: 30 } }), { now: time.now });
  t.teardown(() => client.close());

  for (let i = 0; i < 3; i += 1) t.is(await get(client, `${base}/x`), 503);
  t.is(client.breakerState(`${base}/anything`), 'open');

  const err = await t.throwsAsync(client.request(`${base}/x`));
  t.is(codeOf(err), 'AAPI_ERR_UPSTREAM_BREAKER_OPEN');
  t.true(isUnreachable(err));
  t.regex(err?.message ?? '', /127\.0\.0\.1/);
  t.is(isAapiError(err) ? err.headers['retry-after'] : undefined, '30');
  t.is(state.hits, 3);
});

test('after the cooldown one trial goes through while others still fail fast; its success closes the breaker', async (t) => {
  let releaseTrial: () => void = () => undefined;
  const { state, base } = await switchable(t, status(500));
  const time = clock();
  const client = new UpstreamClient(upstreamConfig({ breaker: { failures: 2, cooldown: 10 } }), { now: time.now });
  t.teardown(() => client.close());

  await get(client, `${base}/x`);
  await get(client, `${base}/x`);
  t.is(client.breakerState(base), 'open');
  time.advance(9);
  t.is(codeOf(await t.throwsAsync(client.request(`${base}/x`))), 'AAPI_ERR_UPSTREAM_BREAKER_OPEN');
  time.advance(1);
  t.is(client.breakerState(base), 'half-open');

  const held = new Promise<void>((resolve) => (releaseTrial = resolve));
  let arrived: () => void = () => undefined;
  const trialArrived = new Promise<void>((resolve) => (arrived = resolve));
  state.handler = (_req, res) => {
    arrived();
    void held.then(() => res.writeHead(200).end('back'));
  };
  const trial = client.request(`${base}/trial`);
  await trialArrived;
  const hitsDuringTrial = state.hits;
  t.is(codeOf(await t.throwsAsync(client.request(`${base}/other`))), 'AAPI_ERR_UPSTREAM_BREAKER_OPEN');
  t.is(state.hits, hitsDuringTrial);

  releaseTrial();
  const res = await trial;
  t.is((await readAll(res.body)).toString(), 'back');
  t.is(client.breakerState(base), 'closed');
  t.is(await get(client, `${base}/after`), 200);
});

test('a failed trial re-opens the breaker for another cooldown', async (t) => {
  const { state, base } = await switchable(t, status(502));
  const time = clock();
  const client = new UpstreamClient(upstreamConfig({ breaker: { failures: 1, cooldown: 5 } }), { now: time.now });
  t.teardown(() => client.close());

  await get(client, `${base}/x`);
  t.is(client.breakerState(base), 'open');
  time.advance(5);
  t.is(await get(client, `${base}/trial`), 502);
  t.is(client.breakerState(base), 'open');
  t.is(codeOf(await t.throwsAsync(client.request(`${base}/x`))), 'AAPI_ERR_UPSTREAM_BREAKER_OPEN');
  t.is(state.hits, 2);
  time.advance(5);
  state.handler = status(200);
  t.is(await get(client, `${base}/x`), 200);
  t.is(client.breakerState(base), 'closed');
});

test('2xx to 4xx and 501 count as success and reset the failure count', async (t) => {
  const { state, base } = await switchable(t, status(500));
  const client = new UpstreamClient(upstreamConfig({ breaker: { failures: 2, cooldown: 30 } }));
  t.teardown(() => client.close());

  for (const code of [404, 501, 429, 200]) {
    state.handler = status(500);
    await get(client, `${base}/fail`);
    state.handler = status(code);
    t.is(await get(client, `${base}/ok`), code);
    t.is(client.breakerState(base), 'closed', `after a ${code}`);
  }
});

test('network errors count, per origin: another upstream stays closed', async (t) => {
  const dead = `http://127.0.0.1:${await closedPort()}`;
  const { base } = await switchable(t, status(200));
  const client = new UpstreamClient(upstreamConfig({ breaker: { failures: 2, cooldown: 30 } }));
  t.teardown(() => client.close());

  for (let i = 0; i < 2; i += 1) {
    t.is(codeOf(await t.throwsAsync(client.request(`${dead}/x`))), 'AAPI_ERR_UPSTREAM_UNREACHABLE');
  }
  t.is(codeOf(await t.throwsAsync(client.request(`${dead}/x`))), 'AAPI_ERR_UPSTREAM_BREAKER_OPEN');
  t.is(client.breakerState(base), 'closed');
  t.is(await get(client, `${base}/x`), 200);
});

test('reportFailure counts towards opening the breaker', async (t) => {
  const { state, base } = await switchable(t, status(200));
  const client = new UpstreamClient(upstreamConfig({ breaker: { failures: 2, cooldown: 30 } }));
  t.teardown(() => client.close());

  await get(client, `${base}/x`);
  client.reportFailure(`${base}/x`);
  client.reportFailure(`${base}/y`);
  // reportFailure is fire-and-forget; let the store's promise settle.
  await new Promise((resolve) => setImmediate(resolve));
  t.is(client.breakerState(base), 'open');
  t.is(codeOf(await t.throwsAsync(client.request(`${base}/x`))), 'AAPI_ERR_UPSTREAM_BREAKER_OPEN');
  t.is(state.hits, 1);
});

test('a request the caller aborts rejects with the abort reason and is not counted', async (t) => {
  const { base } = await switchable(t, () => undefined);
  const client = new UpstreamClient(upstreamConfig({ breaker: { failures: 1, cooldown: 30 } }));
  t.teardown(() => client.close());

  const controller = new AbortController();
  const pending = client.request(`${base}/hang`, { signal: controller.signal });
  setTimeout(() => controller.abort(new Error('client went away')), 50);
  const err = await t.throwsAsync(pending);
  t.is(err?.message, 'client went away');
  t.false(isAapiError(err));
  t.is(client.breakerState(base), 'closed');
});

test('failures: 0 turns the breaker off', async (t) => {
  const { state, base } = await switchable(t, status(503));
  const client = new UpstreamClient(upstreamConfig({ breaker: { failures: 0, cooldown: 30 } }));
  t.teardown(() => client.close());

  for (let i = 0; i < 5; i += 1) t.is(await get(client, `${base}/x`), 503);
  t.is(client.breakerState(base), 'closed');
  t.is(state.hits, 5);
});
