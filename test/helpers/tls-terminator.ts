import { connect, type AddressInfo } from 'node:net';
import { createServer } from 'node:tls';
import { selfSignedCert } from '@artifactapi/core/testing/self-signed-cert';
import type { Teardown } from './teardown.js';

/**
 * HTTPS in front of a plain-HTTP server, as a load balancer would put it: TLS ends here and the
 * bytes go on to `targetPort` unchanged. For clients that send credentials over HTTPS only (go).
 */
export async function tlsTerminator(t: Teardown, targetPort: number): Promise<{ url: string; certFile: string }> {
  const { key, cert, certFile } = selfSignedCert();
  const server = createServer({ key, cert }, (socket) => {
    const target = connect(targetPort, '127.0.0.1');
    socket.pipe(target).pipe(socket);
    const end = () => {
      socket.destroy();
      target.destroy();
    };
    socket.on('error', end);
    target.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, certFile };
}
