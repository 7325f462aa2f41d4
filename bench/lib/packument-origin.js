// Starts the packument origin (packument-origin-server.js) as a child process.
import { startChildServer } from './child-server.js';
import { stop } from './cleanup.js';

/** Name of the generated package whose full packument is about `bytes` bytes. */
export function packumentName(bytes) {
  return `bench-${bytes}`;
}

/**
 * Starts the origin on 127.0.0.1 with the packuments `names` generated up front. Returns
 * { port, url, pid, gets(path), document(name), stop() }.
 */
export async function startPackumentOrigin({ names = [] } = {}) {
  const script = new URL('./packument-origin-server.js', import.meta.url).pathname;
  const { child, port, url } = await startChildServer(script, ['--names', names.join(',')], 'packument origin');
  return {
    port,
    url,
    pid: child.pid,
    /** GETs the origin has seen for `path` (e.g. "/bench-200000"). */
    async gets(path) {
      const res = await fetch(`${url}/_stats`);
      return (await res.json()).gets[path] ?? 0;
    },
    /** The full packument of `name` as the origin serves it (a Buffer). */
    async document(name) {
      const res = await fetch(`${url}/${name}`);
      if (res.status !== 200) throw new Error(`origin answered ${res.status} for ${name}`);
      return Buffer.from(await res.arrayBuffer());
    },
    stop: () => stop(child),
  };
}
