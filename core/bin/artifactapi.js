#!/usr/bin/env node
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
