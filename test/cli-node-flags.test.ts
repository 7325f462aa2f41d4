import test from 'ava';
import { readFile } from 'node:fs/promises';
import { startServe } from './helpers/serve-process.js';

// `artifactapi serve` replaces itself once with V8 flags tuned for memory (core/bin/artifactapi.js,
// issue 11's memory target). These tests read the running server's own command line from /proc.

async function commandLine(pid: number): Promise<string[]> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
}

test('serve runs with its V8 flags and two malloc arenas in the same process, and answers', async (t) => {
  const proc = await startServe(t);
  const args = await commandLine(proc.child.pid!);
  t.true(args.includes('--max-semi-space-size=8'), args.join(' '));
  t.true(args.includes('--heap-growing-percent=50'), args.join(' '));
  t.true(args.includes('--expose-gc'), args.join(' '));
  t.is(args.filter((a) => a.startsWith('--max-semi-space-size')).length, 1);
  const environment = (await readFile(`/proc/${proc.child.pid!}/environ`, 'utf8')).split('\0');
  t.true(environment.includes('MALLOC_ARENA_MAX=2'));
  t.is((await fetch(`${proc.url}/health`)).status, 200);
  t.is((await proc.stop('SIGTERM')).code, 0);
});

test('a flag chosen by the user wins over its default alone, and ARTIFACTAPI_NODE_FLAGS= turns the tuning off', async (t) => {
  const chosen = await startServe(t, { env: { NODE_OPTIONS: '--max-semi-space-size=16' } });
  const chosenArgs = await commandLine(chosen.child.pid!);
  t.false(chosenArgs.some((a) => a.startsWith('--max-semi-space-size')), chosenArgs.join(' '));
  t.true(chosenArgs.includes('--heap-growing-percent=50'), chosenArgs.join(' '));
  const off = await startServe(t, { env: { ARTIFACTAPI_NODE_FLAGS: '' } });
  const offArgs = await commandLine(off.child.pid!);
  t.false(offArgs.some((a) => a.startsWith('--max-semi-space-size') || a.startsWith('--heap-growing-percent') || a === '--expose-gc'), offArgs.join(' '));
  t.is((await fetch(`${off.url}/health`)).status, 200);
});
