// CPU time a server spends (user + system, the process and its direct children), read from
// /proc around a load. CPU time per request is a steadier figure than req/s on a machine others
// share: it counts the server's own work, not the time it waited for a core.
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function ticksOf(pid) {
  try {
    // Fields after the parenthesised command name: utime is the 12th, stime the 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function treeTicks(pid) {
  return ticksOf(pid) + childrenOf(pid).reduce((sum, child) => sum + ticksOf(child), 0);
}

/** Starts counting; the returned function gives the CPU seconds `pid` (and its children) used since. */
export function measureCpu(pid) {
  const start = treeTicks(pid);
  return () => (treeTicks(pid) - start) / TICKS_PER_SECOND;
}
