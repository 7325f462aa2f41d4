// Starts the compared servers by name, so each benchmark loops over the same list.
import { startNginx } from './nginx.js';
import { startArtifactApi } from './artifactapi.js';
import { BackendUnavailable } from './backends.js';
import { startNodeHttp, startRawSocket } from './reference-servers.js';

const starters = {
  nginx: startNginx,
  artifactapi: (options) => startArtifactApi(options),
  'artifactapi-distributed': (options) => startArtifactApi({ ...options, distributed: true }),
  // The node:http reference: bare node:http answering from a Map (cache-hit.js only).
  'node-http': startNodeHttp,
  // The floor under the fast lane: a bare net server answering from a Map (hit-ab.js peer).
  'raw-socket': startRawSocket,
};

/** Starts the server called `name` (nginx | artifactapi | artifactapi-distributed | node-http | raw-socket) in front of `options.originPort` (and `options.npmOriginPort`). */
export function startServer(name, options) {
  const start = starters[name];
  if (!start) throw new Error(`unknown server "${name}" (known: ${Object.keys(starters).join(', ')})`);
  return start(options);
}

/**
 * Like startServer, but resolves with null when a backend the target needs is unreachable,
 * after saying so on stderr and in `notes`: the benchmark then leaves that column out.
 */
export async function startServerOrSkip(name, options, notes) {
  try {
    return await startServer(name, options);
  } catch (err) {
    if (!(err instanceof BackendUnavailable)) throw err;
    const line = `${name} skipped: ${err.message}`;
    console.error(`[bench] ${line}`);
    notes.push(line);
    return null;
  }
}
