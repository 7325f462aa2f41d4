// Runs autocannon against a loopback URL in a child process (load-child.js).
import { spawn } from 'node:child_process';
import { track } from './cleanup.js';
import { duration as defaultDuration } from './settings.js';

/**
 * Loads `url` with `connections` keep-alive connections for `duration` seconds, sending
 * `headers` on every request. Resolves with { reqPerSec, bytesPerSec, latencyP50, latencyP99,
 * requests, errors, timeouts, non2xx }.
 */
export function runLoad({ url, connections, duration = defaultDuration, headers = {} }) {
  const script = new URL('./load-child.js', import.meta.url).pathname;
  const child = track(
    spawn(process.execPath, [script, JSON.stringify({ url, connections, duration, headers })], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  // A hung load is killed well after its nominal end.
  const killer = setTimeout(() => child.kill('SIGKILL'), (duration + 60) * 1000);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      clearTimeout(killer);
      if (code !== 0) return reject(new Error(`autocannon exited with ${code} for ${url}`));
      resolve(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}
