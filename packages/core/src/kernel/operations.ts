import type { Layer, Operation } from './layer.js';

/**
 * The `operation` stages of one storage: its layers' (outer first), then those attached at run
 * time. With none, {@link Operations.run} is never reached: the kernel calls its methods' bodies
 * directly and builds no {@link Operation}, so a storage nobody observes pays one branch per call.
 */
export class Operations {
  #stages: readonly Layer[];

  constructor(layers: readonly Layer[]) {
    this.#stages = layers.filter((l) => l.operation);
  }

  /** Whether any stage observes operations. */
  get observed(): boolean {
    return this.#stages.length > 0;
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

  /** Runs `fn` (which reports failures by rejecting, never by throwing) through every stage. */
  run<T>(op: Operation, fn: () => Promise<T>): Promise<T> {
    const stages = this.#stages;
    const step = (i: number): Promise<T> => {
      const l = stages[i];
      return l?.operation ? l.operation(op, () => step(i + 1)) : fn();
    };
    return step(0);
  }
}
