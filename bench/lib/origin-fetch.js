// What the bare reference servers (node-http-server.js, raw-socket-server.js) do on a miss.
import { get } from 'node:http';

/** GETs `path` from the origin on `port` whole: { body, type }; rejects on anything but a 200. */
export function fetchBody(port, path) {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers: { accept: 'application/json' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve({ body: Buffer.concat(chunks), type: res.headers['content-type'] ?? 'application/octet-stream' }) : reject(new Error(`origin ${res.statusCode}`))));
      res.on('error', reject);
    }).on('error', reject);
  });
}
