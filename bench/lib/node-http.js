// Starts lib/node-http-server.js, the bare node:http reference target `node-http`.
import { fileURLToPath } from 'node:url';
import { startChildServer } from './child-server.js';
import { stop } from './cleanup.js';

export async function startNodeHttp({ originPort, npmOriginPort }) {
  const script = fileURLToPath(new URL('./node-http-server.js', import.meta.url));
  const { child, url } = await startChildServer(script, [String(originPort), String(npmOriginPort ?? 0)], 'the bare node:http server');
  return {
    name: 'node-http',
    pid: child.pid,
    url,
    base: `${url}/api/v1/remote/origin`,
    npmBase: `${url}/api/v1/remote/npm`,
    stop: () => stop(child),
  };
}
