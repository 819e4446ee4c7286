import * as lzModule from 'lz-string';

type LzString = typeof lzModule;

/**
 * lz-string 1.5.0 is a CommonJS module (`module.exports = LZString`). Node's ESM loader exposes it
 * only as `default`, bundlers expose the named functions too; normalise to one object.
 */
export const lz: LzString = ((lzModule as unknown as { default?: LzString }).default ?? lzModule) as LzString;
