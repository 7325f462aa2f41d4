// Starts lib/raw-socket-server.js, the bare net reference target `raw-socket` (hit-ab.js peers).
import { fileURLToPath } from 'node:url';
import { startChildServer } from './child-server.js';
import { stop } from './cleanup.js';

export async function startRawSocket({ originPort, npmOriginPort }) {
  const script = fileURLToPath(new URL('./raw-socket-server.js', import.meta.url));
  const { child, url } = await startChildServer(script, [String(originPort), String(npmOriginPort ?? 0)], 'the bare net server');
  return {
    name: 'raw-socket',
    pid: child.pid,
    url,
    base: `${url}/api/v1/remote/origin`,
    npmBase: `${url}/api/v1/remote/npm`,
    stop: () => stop(child),
  };
}
