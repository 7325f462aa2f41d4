// Starts a bench server script as a tracked child process and waits for the port it reports.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { track } from './cleanup.js';

/**
 * Runs `node <script> ...args`; the script prints `{"port": N}` as its first stdout line once it
 * listens. Resolves with { child, port, url }.
 */
export async function startChildServer(script, args, what) {
  const child = track(spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] }));
  const port = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(JSON.parse(line).port));
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before listening`)));
  });
  return { child, port, url: `http://127.0.0.1:${port}` };
}
