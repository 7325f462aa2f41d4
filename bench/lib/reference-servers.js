// Starts the bare reference servers, each its own process answering the product's URLs:
// `node-http` (node-http-server.js) and `raw-socket` (raw-socket-server.js).
import { fileURLToPath } from 'node:url';
import { startChildServer } from './child-server.js';
import { stop } from './cleanup.js';

function starter(name, file, description) {
  return async ({ originPort, npmOriginPort }) => {
    const script = fileURLToPath(new URL(file, import.meta.url));
    const { child, url } = await startChildServer(script, [String(originPort), String(npmOriginPort ?? 0)], description);
    return {
      name,
      pid: child.pid,
      url,
      base: `${url}/api/v1/remote/origin`,
      npmBase: `${url}/api/v1/remote/npm`,
      stop: () => stop(child),
    };
  };
}

export const startNodeHttp = starter('node-http', './node-http-server.js', 'the bare node:http server');
export const startRawSocket = starter('raw-socket', './raw-socket-server.js', 'the bare net server');
