// Node module-resolution hook used by the CLI: resolve workspace packages through their `source`
// export condition (src/*.ts, run by tsx) so the emulator needs no build step.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('source') ? context.conditions : ['source', ...context.conditions];
  return nextResolve(specifier, { ...context, conditions });
}
