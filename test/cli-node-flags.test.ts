import test from 'ava';
import { readFile } from 'node:fs/promises';
import { startServe } from './helpers/serve-process.js';

// `artifactapi serve` replaces itself once with a smaller V8 young generation (core/bin/artifactapi.js,
// issue 11's memory target). These tests read the running server's own command line from /proc.

async function commandLine(pid: number): Promise<string[]> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
}

test('serve runs with --max-semi-space-size=8 and two malloc arenas in the same process, and answers', async (t) => {
  const proc = await startServe(t);
  const args = await commandLine(proc.child.pid!);
  t.true(args.includes('--max-semi-space-size=8'), args.join(' '));
  t.is(args.filter((a) => a.startsWith('--max-semi-space-size')).length, 1);
  const environment = (await readFile(`/proc/${proc.child.pid!}/environ`, 'utf8')).split('\0');
  t.true(environment.includes('MALLOC_ARENA_MAX=2'));
  t.is((await fetch(`${proc.url}/health`)).status, 200);
  t.is((await proc.stop('SIGTERM')).code, 0);
});

test('a young-generation size chosen by the user wins, and ARTIFACTAPI_NODE_FLAGS= turns the tuning off', async (t) => {
  const chosen = await startServe(t, { env: { NODE_OPTIONS: '--max-semi-space-size=16' } });
  t.false((await commandLine(chosen.child.pid!)).some((a) => a.startsWith('--max-semi-space-size')));
  const off = await startServe(t, { env: { ARTIFACTAPI_NODE_FLAGS: '' } });
  t.false((await commandLine(off.child.pid!)).some((a) => a.startsWith('--max-semi-space-size')));
  t.is((await fetch(`${off.url}/health`)).status, 200);
});
