import { expect, test } from 'vitest';
test('runs in real Chromium with IndexedDB', () => {
  expect(typeof indexedDB.open).toBe('function');
  expect(navigator.userAgent).toContain('Chrome');
});
