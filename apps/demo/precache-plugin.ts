import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Plugin } from 'vite';

/** Options of {@link precacheManifest}. */
export interface PrecacheManifestOptions {
  /** File name of the service worker in the build. @default 'sw.js' */
  swFileName?: string;
}

/**
 * Writes the precache manifest into the built service worker: once the bundle is on disk, the list
 * of every emitted file (the app shell) and a version derived from their names and the HTML is
 * prepended to `sw.js` as `self.__STOWAGE_PRECACHE__`. A new build thus changes the worker's bytes,
 * so browsers install it and it replaces the old cache. Hashed file names make the list exact.
 */
export function precacheManifest(options: PrecacheManifestOptions = {}): Plugin {
  const swFileName = options.swFileName ?? 'sw.js';
  let outDir = 'dist';
  return {
    name: 'stowage-demo:precache-manifest',
    apply: 'build',
    configResolved(config) {
      // resolve, not join: an absolute outDir (npm start builds outside the app) stays as given.
      outDir = resolve(config.root, config.build.outDir);
    },
    async writeBundle(_, bundle) {
      const files = Object.keys(bundle).filter((f) => f !== swFileName && !f.endsWith('.map')).sort();
      const hash = createHash('sha256');
      for (const f of files) {
        const item = bundle[f];
        hash.update(f);
        if (item?.type === 'asset') hash.update(typeof item.source === 'string' ? item.source : Buffer.from(item.source));
        else if (item?.type === 'chunk') hash.update(item.code);
      }
      const manifest = { version: hash.digest('hex').slice(0, 16), urls: files.map((f) => `/${f}`) };
      const path = join(outDir, swFileName);
      const code = await readFile(path, 'utf8');
      await writeFile(path, `self.__STOWAGE_PRECACHE__ = ${JSON.stringify(manifest)};\n${code}`);
    },
  };
}
