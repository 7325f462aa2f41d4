// Waits for a server process to stop using CPU. A load generator that ends leaves requests in
// flight; a server that keeps working on them (parsing a 20 MB packument per request, say)
// would still be busy during the next measurement, on the same 2 cores.
import { cpuTicks } from './cpu.js';

/**
 * Resolves once `pid` has used under `quietTicks` clock ticks (1/100 s here) of CPU over `windowMs`,
 * or after `timeoutMs`; resolves with the ms waited.
 */
export async function waitIdle(pid, { windowMs = 500, quietTicks = 5, timeoutMs = 120_000 } = {}) {
  const start = Date.now();
  let before = cpuTicks(pid);
  while (before !== undefined && Date.now() - start < timeoutMs) {
    await new Promise((r) => setTimeout(r, windowMs));
    const now = cpuTicks(pid);
    if (now === undefined || now - before < quietTicks) break;
    before = now;
  }
  return Date.now() - start;
}
