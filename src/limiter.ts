/**
 * Caps how many tasks run at once; the rest wait in arrival order.
 *
 * @module
 */

/**
 * A counting semaphore.
 *
 * @example
 * ```ts
 * import { Limiter } from "./limiter.ts";
 * const limiter = new Limiter(2);
 * await limiter.run(async () => "work");
 * ```
 */
export class Limiter {
  #running = 0;
  #waiting: (() => void)[] = [];
  readonly #max: number;

  /** Allows `max` tasks at once. */
  constructor(max: number) {
    this.#max = max;
  }

  /** Whether a task started now would have to wait. */
  get full(): boolean {
    return this.#running >= this.#max;
  }

  /** How many tasks are running. */
  get running(): number {
    return this.#running;
  }

  /** Runs `task` once a slot is free. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#max) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running++;
    }
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      // Hand the slot straight to the next waiter, or give it back.
      if (next) next();
      else this.#running--;
    }
  }
}
