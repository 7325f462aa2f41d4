#!/usr/bin/env node
// `serve` runs with a smaller V8 young generation: under hit load Node 24 grows it to 64 MiB, a
// third of the server's resident memory, for no measurable gain in throughput (bench/README.md,
// issue 11). V8 reads the flag only at start, so the process replaces itself once (execve keeps
// the pid, stdio and signals). An explicit --max-semi-space-size, in the arguments or in
// NODE_OPTIONS, wins; ARTIFACTAPI_NODE_FLAGS= (empty) turns this off. The restart also caps glibc's
// malloc arenas at 2 (unless MALLOC_ARENA_MAX is set): libuv's threads each grew their own, ~15 MiB
// of peak RSS under 64 MiB hits.
const tuning = process.env.ARTIFACTAPI_NODE_FLAGS ?? '--max-semi-space-size=8';
const chosenByUser = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('--max-semi-space-size'));
if (process.argv[2] === 'serve' && tuning !== '' && !chosenByUser && !process.env.ARTIFACTAPI_NODE_TUNED && typeof process.execve === 'function') {
  const flags = tuning.split(/\s+/).filter(Boolean);
  process.execve(process.execPath, [process.execPath, ...flags, ...process.execArgv, ...process.argv.slice(1)], { MALLOC_ARENA_MAX: '2', ...process.env, ARTIFACTAPI_NODE_TUNED: '1' });
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
