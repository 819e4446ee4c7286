import { afterEach, test } from 'vitest';
import { deflateCodec } from '../deflate.js';
import { deflateSuite } from './suites/deflate.suite.js';
import { realisticJsonBytes } from './suites/fixtures.js';
import { expectSameBytes, expectStowageError } from './suites/assertions.js';

deflateSuite();

const original = globalThis.CompressionStream;
afterEach(() => {
  globalThis.CompressionStream = original;
});

test("without CompressionStream, 'auto' falls back to fflate and 'compression-stream' is unavailable", async () => {
  // Older engines lack the class or its 'deflate-raw' format.
  (globalThis as { CompressionStream?: unknown }).CompressionStream = undefined;
  const json = realisticJsonBytes(20_000);
  const auto = deflateCodec();
  const packed = await auto.encode(json);
  expectSameBytes(packed, await deflateCodec({ implementation: 'fflate' }).encode(json));
  expectSameBytes(await auto.decode(packed), json);
  await expectStowageError(() => deflateCodec({ implementation: 'compression-stream' }), 'unavailable');
});
