// The two servers of the browser run — the emulator started from its tarball the way its README
// says (`npx stowage-firestore-emulator`) and `vite preview` of the app's production build — and
// reading the emulator's documents back from Node.
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

/**
 * The fields of document `path` of `project` in the emulator on `port` (Firestore REST value
 * encoding), `undefined` when it does not exist — read with `documents:batchGet`, the RPC the Lite
 * SDK's getDoc sends.
 */
export async function readEmulatorDoc(port, project, path) {
  const db = `projects/${project}/databases/(default)`;
  const res = await fetch(`http://127.0.0.1:${port}/v1/${db}/documents:batchGet`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ documents: [`${db}/documents/${path}`] }),
  });
  if (!res.ok) throw new Error(`batchGet ${path}: HTTP ${res.status} ${await res.text()}`);
  const [answer] = await res.json();
  return answer?.found?.fields;
}
