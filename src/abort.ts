/**
 * Reacting to an `AbortSignal` without the race of listening too late: an
 * abort that came before the listener runs the action at once.
 *
 * @module
 */

/**
 * Runs `action` once `signal` aborts (at once when it has already), until
 * the returned function is called; an absent signal never aborts.
 *
 * @example
 * ```ts
 * import { whenAborted } from "./abort.ts";
 * const controller = new AbortController();
 * controller.abort();
 * const forget = whenAborted(controller.signal, () => console.log("stopped")); // logs at once
 * forget();
 * ```
 */
export function whenAborted(
  signal: AbortSignal | undefined,
  action: () => void,
): () => void {
  if (signal === undefined) return () => {};
  if (signal.aborted) {
    action();
    return () => {};
  }
  signal.addEventListener("abort", action, { once: true });
  return () => signal.removeEventListener("abort", action);
}
