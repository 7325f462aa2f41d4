// Describes the machine a run happened on, for the Results section of bench/README.md.
import { availableParallelism, totalmem, freemem, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { nginxVersion } from './nginx.js';

function cpuModel() {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Markdown bullet list: date, CPU, cores, memory, load, node and nginx versions. */
export function machine() {
  const gib = (n) => `${(n / 2 ** 30).toFixed(1)} GiB`;
  return [
    `- date: ${new Date().toISOString()}`,
    `- cpu: ${cpuModel()}, ${availableParallelism()} cores (nproc)`,
    `- memory: ${gib(totalmem())} total, ${gib(freemem())} free`,
    `- load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    `- node ${process.version}, ${nginxVersion()}`,
  ].join('\n');
}
