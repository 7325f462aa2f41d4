#!/usr/bin/env node
// `serve` runs with V8 tuned for a server's memory (bench/README.md, issue 11): a young generation
// capped at 2 x 8 MiB, where Node 24 grows it to 64 MiB under hit load, a third of the resident
// memory, for no measurable gain in throughput; and an old generation collected once it grows by
// half (V8's default lets it double and more): under plugin-route load (docker pulls) 213 -> 141 MiB
// at equal CPU. V8 reads these flags only at start, so the process replaces itself once (execve
// keeps the pid, stdio and signals). A flag of the same name in the arguments or in NODE_OPTIONS
// wins over its default; ARTIFACTAPI_NODE_FLAGS replaces the defaults, and empty turns them off.
// `--expose-gc` gives the engine V8's `gc()`, for a young-generation collection every 8 MiB of
// body passing through and a full one after a large body (core/src/engine/passing-bytes.ts): one
// 64 MiB miss otherwise left ~48 MiB of freed socket buffers resident in glibc's heap.
// The restart also caps glibc's malloc arenas at 2 (unless MALLOC_ARENA_MAX is set): libuv's
// threads each grew their own, ~15 MiB of peak RSS under 64 MiB hits.
const DEFAULT_FLAGS = '--max-semi-space-size=8 --heap-growing-percent=50 --expose-gc';
const userFlags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
const flagName = (flag) => flag.split('=')[0].replace(/_/g, '-');
const tuning = (process.env.ARTIFACTAPI_NODE_FLAGS ?? DEFAULT_FLAGS)
  .split(/\s+/)
  .filter((flag) => flag !== '' && !userFlags.some((own) => flagName(own) === flagName(flag)));
if (process.argv[2] === 'serve' && tuning.length > 0 && !process.env.ARTIFACTAPI_NODE_TUNED && typeof process.execve === 'function') {
  process.execve(process.execPath, [process.execPath, ...tuning, ...process.execArgv, ...process.argv.slice(1)], { MALLOC_ARENA_MAX: '2', ...process.env, ARTIFACTAPI_NODE_TUNED: '1' });
}

// Node 22 flags node:sqlite (the embedded metadata store) as experimental and warns on every start;
// that one line is noise for users of the command, so it alone is dropped. Every other warning
// still goes through Node's own handling. Installed before main.js is loaded, which loads node:sqlite.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  const message = typeof warning === 'string' ? warning : warning?.message;
  if (type === 'ExperimentalWarning' && typeof message === 'string' && message.startsWith('SQLite is an experimental feature')) return;
  return emitWarning.call(this, warning, ...rest);
};

const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
