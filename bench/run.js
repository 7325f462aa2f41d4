// `npm run bench`: runs the three benchmarks in turn and prints their tables as Markdown,
// preceded by a description of the machine, ready to paste into bench/README.md.
import { cacheHit } from './cache-hit.js';
import { concurrentMiss } from './concurrent-miss.js';
import { hashing } from './hashing.js';
import { machine } from './lib/machine.js';
import { duration, isQuick, targets } from './lib/settings.js';

const only = (process.env.BENCH_ONLY ?? 'cache-hit,concurrent-miss,hashing,packument').split(',');
const suites = [
  ['cache-hit', cacheHit],
  ['concurrent-miss', concurrentMiss],
  ['hashing', hashing],
  ['packument', async () => (await import('./packument.js')).packument()],
  // Not in the default list: needs Debian's docker-registry (BENCH_ONLY=docker-hit).
  ['docker-hit', async () => (await import('./docker-hit.js')).dockerHit()],
].filter(([name]) => only.includes(name));

console.log(machine());
console.log(`- settings: duration ${duration} s${isQuick ? ' (quick)' : ''}, targets ${targets.join(', ')}\n`);
for (const [name, suite] of suites) {
  const started = Date.now();
  console.error(`[bench] ${name}…`);
  const out = await suite();
  for (const { title, table, notes } of Array.isArray(out) ? out : [out]) {
    console.log(`### ${title}\n\n${table}\n${notes.map((n) => `- ${n}\n`).join('')}`);
  }
  console.error(`[bench] ${name} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
