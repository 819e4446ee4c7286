import type { Layer, Operation } from './layer.js';

/**
 * The `operation` stages of one storage: its layers' (outer first), then those attached at run
 * time. With none, {@link Operations.op} calls a method's body directly and builds no
 * {@link Operation}, so a storage nobody observes pays one branch per call.
 */
export class Operations {
  #stages: readonly Layer[];

  constructor(layers: readonly Layer[]) {
    this.#stages = layers.filter((l) => l.operation);
  }

  /** Adds `layer`'s stage (innermost) unless it is there; the detach removes it. */
  attach(layer: Layer): () => void {
    if (!layer.operation || this.#stages.includes(layer)) return () => undefined;
    // A new array, not a push: an operation already running keeps the stages it started with.
    this.#stages = [...this.#stages, layer];
    return () => {
      this.#stages = this.#stages.filter((l) => l !== layer);
    };
  }

  /** Runs a method's body, as one {@link Operation} when a stage observes them (else as is, building nothing). */
  op<T>(name: string, body: (op?: Operation) => Promise<T>, key?: string, keys?: readonly string[]): Promise<T> {
    if (this.#stages.length === 0) return body();
    const op: Operation = { name, key, keys };
    return this.run(op, () => body(op));
  }

  /** Runs `fn` (which reports failures by rejecting, never by throwing) through every stage. */
  run<T>(op: Operation, fn: () => Promise<T>): Promise<T> {
    const stages = this.#stages;
    // One stage (an analytics, say) is the common case: its call directly, without two closures per call.
    if (stages.length === 1) return (stages[0] as Required<Pick<Layer, 'operation'>>).operation(op, fn);
    const step = (i: number): Promise<T> => {
      const l = stages[i];
      return l?.operation ? l.operation(op, () => step(i + 1)) : fn();
    };
    return step(0);
  }
}
