import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { build, type Rollup } from 'vite';

const SRC = fileURLToPath(new URL('..', import.meta.url));

/** Bundles one entry of the package like an app would, and returns the emitted code. */
async function bundle(entry: string): Promise<string> {
  const out = (await build({
    configFile: false,
    logLevel: 'silent',
    resolve: { conditions: ['source', 'module', 'browser'] },
    build: { write: false, minify: false, lib: { entry: join(SRC, entry), formats: ['es'], fileName: 'out' } },
  })) as Rollup.RollupOutput[];
  return out.flatMap((o) => o.output).map((chunk) => ('code' in chunk ? chunk.code : '')).join('\n');
}

// A string literal inside crypto-js (enc-utf8.js) that survives bundling.
const CRYPTO_JS_MARKER = 'Malformed UTF-8 data';

describe('crypto-js stays out of bundles that do not ask for it', () => {
  test('only crypto-js-legacy.ts imports crypto-js', () => {
    const importers = readdirSync(SRC)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /from\s+['"]crypto-js/.test(readFileSync(join(SRC, f), 'utf8')));
    expect(importers).toEqual(['crypto-js-legacy.ts']);
  });

  test('bundling "@stowage/codecs" includes no crypto-js; bundling the legacy entry does', async () => {
    const main = await bundle('index.ts');
    expect(main).toContain('aes-gcm'); // the bundle is real
    expect(main).not.toContain(CRYPTO_JS_MARKER);
    expect(main).not.toContain('CryptoJS');
    const legacy = await bundle('crypto-js-legacy.ts');
    expect(legacy).toContain(CRYPTO_JS_MARKER);
    expect(legacy).toContain('CryptoJS');
  }, 60_000);
});
