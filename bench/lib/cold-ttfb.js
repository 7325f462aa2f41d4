// Cold-miss time to first byte through one or more servers, each paired with a GET of another
// fresh file straight from the origin, interleaved so the machine's drift hits all alike.
import { blobPath } from './origin.js';
import { timedGet } from './timed-get.js';
import { median } from './table.js';

/**
 * `files` sequential cold misses of `size` bytes through each of `bases` (after 2 discarded
 * ones), and as many from `originUrl` directly. Resolves with, per base,
 * { ok, medianMs, originMs, overheadMs }: the medians of the server's TTFB, of the origin's, and
 * of the pairwise differences (the overhead DESIGN §7 bounds). Throws on a wrong answer when
 * `strict`, else skips it.
 */
export async function coldTtfb(bases, originUrl, { files, size, label, strict = false }) {
  const direct = [];
  const through = bases.map(() => ({ ttfb: [], total: [], overhead: [] }));
  for (let i = -2; i < files; i++) {
    const d = await timedGet(originUrl + blobPath(size, `ttfb-direct-${label}-${i}`));
    const rows = [];
    for (const [n, base] of bases.entries()) rows.push(await timedGet(base + blobPath(size, `ttfb-${label}-${n}-${i}`)));
    if (i < 0) continue;
    if (d.status !== 200 || d.bytes !== size) {
      if (strict) throw new Error(`origin answered ${d.status} with ${d.bytes} bytes`);
      continue;
    }
    direct.push(d.ttfbMs);
    for (const [n, t] of rows.entries()) {
      if (t.status !== 200 || t.bytes !== size || t.headers['x-artifact-cache'] !== 'MISS') {
        if (strict) throw new Error(`${bases[n]} answered ${t.status} (${t.headers['x-artifact-cache']}) with ${t.bytes} bytes`);
        continue;
      }
      through[n].ttfb.push(t.ttfbMs);
      through[n].total.push(t.totalMs);
      through[n].overhead.push(t.ttfbMs - d.ttfbMs);
    }
  }
  return through.map((t) => ({
    ok: t.ttfb.length,
    medianMs: median(t.ttfb),
    medianTotalMs: median(t.total),
    originMs: median(direct),
    overheadMs: median(t.overhead),
  }));
}

/**
 * Cold misses a server in service has made before the measured ones (`warmUp`): the product's
 * miss path runs as bytecode until V8 has seen it a few hundred times, so the first misses after
 * a start cost ~0.5-1 ms more than those of a server that has been serving for a while (bench/README.md,
 * session 20). nginx has no such phase. Both are reported.
 */
export async function warmUp(base, count, label) {
  for (let i = 0; i < count; i++) {
    const r = await timedGet(base + blobPath(4096, `warm-${label}-${i}`));
    if (r.status !== 200) throw new Error(`warm-up miss answered ${r.status}`);
  }
}
