// A TCP port free right now on 127.0.0.1, so test servers never collide with something already running.
import { createServer } from 'node:net';

/** Resolves to a port nobody listens on at this moment (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
