import fc from 'fast-check';
import { actionArb, run, warmUp } from './actions.js';
import type { Action, History } from './actions.js';
import { heal, violations } from './invariants.js';
import { createWorld } from './world.js';
import type { WorldConfig } from './world.js';

/** The arbitrary of a world's set-up. */
export function configArb(): fc.Arbitrary<WorldConfig> {
  return fc.record({
    devices: fc.integer({ min: 2, max: 3 }),
    contexts: fc.integer({ min: 1, max: 2 }),
    conflict: fc.constantFrom('last-write-wins' as const, 'remote-wins' as const, 'local-wins' as const, 'merge' as const),
    fail: fc.constantFrom(0, 0.1, 0.3),
    loseAck: fc.constantFrom(0, 0.1, 0.3),
    hang: fc.constantFrom(0, 0, 0.1),
    seed: fc.nat(),
  });
}

/** Runs one schedule in a fresh world; resolves to the invariants it broke. */
export async function simulate(config: WorldConfig, actions: readonly Action[]): Promise<string[]> {
  await warmUp();
  const world = await createWorld(config);
  const h: History = { acks: [], increments: 0, counters: new Map(), running: [] };
  const serial = { n: 0 };
  try {
    for (const a of actions) await run(world, a, h, serial);
    await heal(world, h);
    return await violations(world, h);
  } finally {
    await world.close();
  }
}

/** The property the simulator checks: any world, any schedule (with or without clock skew), no broken invariant. */
export function property(): fc.IAsyncPropertyWithHooks<[WorldConfig, Action[]]> {
  return fc.asyncProperty(
    configArb(),
    fc.boolean().chain((skew) => fc.array(actionArb(skew), { minLength: 1, maxLength: 30 })),
    async (config, actions) => {
      const broken = await simulate(config, actions);
      if (broken.length > 0) throw new Error(`invariants broken:\n- ${broken.join('\n- ')}`);
    },
  );
}
