// Samples the resident memory of a server (and its child processes, e.g. nginx's worker) every
// 100 ms while a load runs, and reports the peak.
import { readFileSync } from 'node:fs';

function rssKiB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The direct children of `pid` (nginx's worker, a Node server's none). */
export function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Current RSS in KiB of `pid` plus its direct children. */
export function treeRssKiB(pid) {
  return rssKiB(pid) + childrenOf(pid).reduce((sum, child) => sum + rssKiB(child), 0);
}

/** Starts sampling; call the returned function to stop and get the peak RSS in MiB. */
export function sampleRss(pid, intervalMs = 100) {
  let peak = treeRssKiB(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRssKiB(pid));
  }, intervalMs);
  return () => {
    clearInterval(timer);
    peak = Math.max(peak, treeRssKiB(pid));
    return peak / 1024;
  };
}
