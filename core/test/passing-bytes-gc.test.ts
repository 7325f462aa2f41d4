import test from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { genericRemote, startProxy } from './helpers/proxy.js';

// Bodies the engine stores while they pass through trigger a young-generation collection every
// 8 MiB, and a large one an incremental full collection once stored
// (core/src/engine/passing-bytes.ts), through the `gc` that serve's `--expose-gc` gives.
// This process has no such flag: the test puts a counting `gc` in its place. Serial, as the
// counter is the process's own.

type Gc = (options: { type: string; execution?: string }) => void;
const host = globalThis as { gc?: Gc };

test.serial('a 20 MiB cold miss collects the young generation twice, a hit of it not at all, and the bytes are intact', async (t) => {
  const body = randomBytes(20 * 1024 * 1024);
  const upstream = await startUpstream({ files: { '/big.bin': body } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const calls: { type: string; execution?: string }[] = [];
  host.gc = (options) => void calls.push(options);
  t.teardown(() => delete host.gc);

  const miss = await fetch(`${proxy.url}/api/v1/remote/up/big.bin`);
  t.is(miss.headers.get('x-artifact-cache'), 'MISS');
  const missed = Buffer.from(await miss.arrayBuffer());
  t.is(createHash('sha256').update(missed).digest('hex'), createHash('sha256').update(body).digest('hex'));
  t.deepEqual(calls, [{ type: 'minor' }, { type: 'minor' }]);

  const hit = await fetch(`${proxy.url}/api/v1/remote/up/big.bin`);
  t.is(hit.headers.get('x-artifact-cache'), 'HIT');
  t.is((await hit.arrayBuffer()).byteLength, body.byteLength);
  t.is(calls.length, 2);
});

test.serial('a 40 MiB cold miss collects the young generation five times and starts one full collection once stored', async (t) => {
  const body = randomBytes(40 * 1024 * 1024);
  const upstream = await startUpstream({ files: { '/forty.bin': body } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const calls: { type: string; execution?: string }[] = [];
  host.gc = (options) => void calls.push(options);
  t.teardown(() => delete host.gc);

  const miss = await fetch(`${proxy.url}/api/v1/remote/up/forty.bin`);
  t.true(Buffer.from(await miss.arrayBuffer()).equals(body));
  // The first test left 4 MiB on the counter: 44 MiB in all, five steps of 8.
  t.deepEqual(calls.filter((c) => c.type === 'minor').length, 5);
  t.deepEqual(calls.filter((c) => c.type === 'major'), [{ type: 'major', execution: 'async' }]);
  t.deepEqual(calls.at(-1), { type: 'major', execution: 'async' });
});

test.serial('without gc (no --expose-gc) a large miss is served and stored all the same', async (t) => {
  delete host.gc;
  const body = randomBytes(9 * 1024 * 1024);
  const upstream = await startUpstream({ files: { '/nine.bin': body } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const miss = await fetch(`${proxy.url}/api/v1/remote/up/nine.bin`);
  t.is(miss.status, 200);
  t.true(Buffer.from(await miss.arrayBuffer()).equals(body));
  const hit = await fetch(`${proxy.url}/api/v1/remote/up/nine.bin`);
  t.is(hit.headers.get('x-artifact-cache'), 'HIT');
  t.true(Buffer.from(await hit.arrayBuffer()).equals(body));
});
