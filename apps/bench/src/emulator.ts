/** The Firestore emulator the runner started (page URL `?emulator=host:port`), and its HTTP controls. */
export interface EmulatorTarget {
  host: string;
  port: number;
}

/** The project every sync case writes to (any id works on the emulator). */
export const PROJECT_ID = 'demo-bench';

/** Where the emulator listens, or `undefined` when the page was opened without one. */
export function emulatorTarget(): EmulatorTarget | undefined {
  const m = /^([^:]+):(\d+)$/.exec(new URLSearchParams(location.search).get('emulator') ?? '');
  return m ? { host: m[1] as string, port: Number(m[2]) } : undefined;
}

async function call(target: EmulatorTarget, method: string, path: string): Promise<unknown> {
  const res = await fetch(`http://${target.host}:${target.port}${path}`, { method });
  if (!res.ok) throw new Error(`emulator ${method} ${path}: HTTP ${res.status}`);
  return res.json().catch(() => undefined);
}

/** Deletes every document of the benchmark project. */
export async function clearDocuments(target: EmulatorTarget): Promise<void> {
  await call(target, 'DELETE', `/emulator/v1/projects/${PROJECT_ID}/databases/(default)/documents`);
}

/** Zeroes the emulator's request counters. */
export async function resetStats(target: EmulatorTarget): Promise<void> {
  await call(target, 'DELETE', '/emulator/stats');
}

/** RPC requests received since the last reset (preflights are not RPCs and not counted). */
export async function requestStats(target: EmulatorTarget): Promise<{ total: number; byRpc: Record<string, number> }> {
  return (await call(target, 'GET', '/emulator/stats')) as { total: number; byRpc: Record<string, number> };
}
