// Runs autocannon against a loopback URL in a child process (load-child.js).
import { spawn } from 'node:child_process';
import { track } from './cleanup.js';
import { duration as defaultDuration } from './settings.js';

/**
 * Loads `url` with `connections` keep-alive connections for `duration` seconds, sending
 * `headers` on every request. Resolves with { reqPerSec, bytesPerSec, latencyP50, latencyP99,
 * requests, errors, timeouts, non2xx }.
 */
export async function runLoad({ url, connections, duration = defaultDuration, headers = {} }) {
  const script = new URL('./load-child.js', import.meta.url).pathname;
  const line = await loadProcess(process.execPath, [script, JSON.stringify({ url, connections, duration, headers })], duration, `autocannon for ${url}`);
  return JSON.parse(line);
}

/**
 * Runs a load generator (`command` `args`) for about `duration` s and resolves with the last line
 * it printed on stdout; rejects when it exits non-zero. `what` names it in the error.
 */
export function loadProcess(command, args, duration, what) {
  const child = track(spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] }));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  // A hung load is killed well after its nominal end.
  const killer = setTimeout(() => child.kill('SIGKILL'), (duration + 60) * 1000);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      clearTimeout(killer);
      if (code !== 0) return reject(new Error(`${what} exited with ${code}: ${out.trim()}`));
      resolve(out.trim().split('\n').pop() ?? '');
    });
  });
}
