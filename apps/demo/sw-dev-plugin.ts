import type { Plugin } from 'vite';

/**
 * Serves the service worker at `/sw.js` in dev too, transformed by Vite from `src/sw.ts`. The URL
 * matters: a worker's scope cannot be above its script's folder, so `/src/sw.ts` could not control
 * `/`. The page registers `/sw.js` in both modes; in dev the worker has no precache manifest and
 * leaves fetches to Vite.
 */
export function serviceWorkerDev(options: { source?: string } = {}): Plugin {
  const source = options.source ?? '/src/sw.ts';
  return {
    name: 'stowage-demo:service-worker-dev',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        if (req.url === '/sw.js' || req.url?.startsWith('/sw.js?')) req.url = source;
        next();
      });
    },
  };
}
