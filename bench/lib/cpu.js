// CPU time a server spends (user + system, the process and its direct children), read from
// /proc around a load. CPU time per request is a steadier figure than req/s on a machine others
// share: it counts the server's own work, not the time it waited for a core.
import { readFileSync } from 'node:fs';
import { childrenOf } from './rss.js';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU time (user + system, clock ticks) `pid` has used so far, or undefined once it is gone. */
export function cpuTicks(pid) {
  try {
    // Fields after the command name, which sits in parentheses and may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function treeTicks(pid) {
  return (cpuTicks(pid) ?? 0) + childrenOf(pid).reduce((sum, child) => sum + (cpuTicks(child) ?? 0), 0);
}

/** Starts counting; the returned function gives the CPU seconds `pid` (and its children) used since. */
export function measureCpu(pid) {
  const start = treeTicks(pid);
  return () => (treeTicks(pid) - start) / TICKS_PER_SECOND;
}
