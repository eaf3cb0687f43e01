/**
 * Runs tasks one at a time per key, in arrival order, and tasks with
 * different keys in parallel. A failed task never blocks the ones after it.
 *
 * @module
 */

/**
 * A keyed serial queue.
 *
 * @example
 * ```ts
 * import { SessionQueue } from "./session_queue.ts";
 * const queue = new SessionQueue();
 * const order: number[] = [];
 * await Promise.all([
 *   queue.run("a", async () => order.push(1)),
 *   queue.run("a", async () => order.push(2)),
 * ]);
 * console.log(order); // [1, 2]
 * ```
 */
export class SessionQueue {
  #tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier task with the same key has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => {});
    this.#tails.set(key, tail);
    // Forget the key once its queue drains, so memory stays flat.
    tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Whether a task with this key is queued or running. */
  busy(key: string): boolean {
    return this.#tails.has(key);
  }

  /** How many keys have tasks queued or running. */
  get size(): number {
    return this.#tails.size;
  }
}
