import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { genericRemote, startProxy } from './helpers/proxy.js';

// Bodies the engine stores while they pass through trigger a young-generation collection every
// 8 MiB, and a large one an incremental full collection once stored
// (core/src/engine/passing-bytes.ts), through the `gc` that serve's `--expose-gc` gives.
// This process has no such flag: the tests put a counting `gc` in its place, or none. Serial, as
// the byte counter is the process's own.

interface GcCall {
  type: string;
  execution?: string;
}
const host = globalThis as { gc?: (options: GcCall) => void };

/** A proxy in front of an upstream holding `mib` MiB of random bytes at /file.bin; `calls` records gc() when `counting`. */
async function proxied(t: ExecutionContext, mib: number, counting: boolean) {
  const body = randomBytes(mib * 1024 * 1024);
  const upstream = await startUpstream({ files: { '/file.bin': body } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const calls: GcCall[] = [];
  if (counting) host.gc = (options) => void calls.push(options);
  else delete host.gc;
  t.teardown(() => delete host.gc);
  const get = async (cache: string) => {
    const res = await fetch(`${proxy.url}/api/v1/remote/up/file.bin`);
    t.is(res.headers.get('x-artifact-cache'), cache);
    t.true(Buffer.from(await res.arrayBuffer()).equals(body));
  };
  return { calls, get };
}

test.serial('a 20 MiB cold miss collects the young generation twice, a hit of it not at all, and the bytes are intact', async (t) => {
  const { calls, get } = await proxied(t, 20, true);
  await get('MISS');
  t.deepEqual(calls, [{ type: 'minor' }, { type: 'minor' }]);
  await get('HIT');
  t.is(calls.length, 2);
});

test.serial('a 40 MiB cold miss collects the young generation five times and starts one full collection once stored', async (t) => {
  const { calls, get } = await proxied(t, 40, true);
  await get('MISS');
  // The first test left 4 MiB on the counter: 44 MiB in all, five steps of 8.
  t.is(calls.filter((c) => c.type === 'minor').length, 5);
  t.deepEqual(calls.filter((c) => c.type === 'major'), [{ type: 'major', execution: 'async' }]);
  t.deepEqual(calls.at(-1), { type: 'major', execution: 'async' });
});

test.serial('without gc (no --expose-gc) a large miss is served and stored all the same', async (t) => {
  const { get } = await proxied(t, 9, false);
  await get('MISS');
  await get('HIT');
});
