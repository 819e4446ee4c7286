// The two servers of the browser run: the emulator started from its tarball the way its README
// says (`npx stowage-firestore-emulator`), and `vite preview` of the app's production build.
import { startServer } from './exec.mjs';

/** Starts the installed emulator bin on a free port; resolves to `{ server, port }`. */
export async function startTarballEmulator(appDir) {
  const server = await startServer('npx', ['--no', '--', 'stowage-firestore-emulator', '--host', '127.0.0.1', '--port', '0'], {
    cwd: appDir,
    ready: /listening on http:\/\/127\.0\.0\.1:(\d+)/,
  });
  return { server, port: Number(server.match[1]) };
}

/** Serves the app's dist/ on `port`; resolves to the server. */
export function startPreview(appDir, port) {
  return startServer(`${appDir}/node_modules/.bin/vite`, ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: appDir,
    ready: new RegExp(`127\\.0\\.0\\.1:${port}`),
  });
}
