// The bench side of eld-preload.mjs: opens and closes event-loop delay windows in a server
// started with that preload, and reads what it wrote.
import { existsSync, readFileSync, rmSync } from 'node:fs';

/** Node arguments that load the preload; the child also needs BENCH_ELD_FILE (see eldEnv). */
export const ELD_PRELOAD_ARGS = ['--import', new URL('./eld-preload.mjs', import.meta.url).href];

/** The environment entry that turns the preload on, writing to `file`. */
export function eldEnv(file) {
  return { BENCH_ELD_FILE: file };
}

/**
 * Asks the server `child` for its event-loop delay since the previous call (SIGUSR2) and waits
 * for the report. Resolves with { count, p50, p99, max, mean } in ms. A loop blocked by a long
 * inline task answers late, hence the generous timeout.
 */
export async function readEld(child, file, timeoutMs = 30_000) {
  rmSync(file, { force: true });
  child.kill('SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`no event-loop delay report from pid ${child.pid} in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}
