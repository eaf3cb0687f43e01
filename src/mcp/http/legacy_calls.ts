/**
 * Cancelling a 2025-era call over stateless HTTP: the client's
 * `notifications/cancelled` arrives as a request of its own, to a server
 * instance that never saw the call. The process keeps the calls in flight
 * by their JSON-RPC id, and a cancel stops the one call with that id; when
 * clients happen to use the same id at once, it stops none (it cannot tell
 * whose), and `codex_cancel` still can.
 *
 * @module
 */

import { whenAborted } from "../../abort.ts";

/** A request id as JSON-RPC gives it. */
type RequestId = string | number;

/** The 2025-era calls in flight over HTTP, by request id. */
export class LegacyHttpCalls {
  readonly #calls = new Map<RequestId, Set<AbortController>>();

  /**
   * Keeps call `id` until `done` is called; its `signal` aborts when the
   * request's own does, or on a cancel naming it.
   *
   * @example
   * ```ts
   * import { LegacyHttpCalls } from "./legacy_calls.ts";
   * const calls = new LegacyHttpCalls();
   * const call = calls.track(3, new AbortController().signal);
   * calls.cancel(3, "the user pressed stop");
   * call.signal.aborted; // true
   * call.done();
   * ```
   */
  track(
    id: RequestId,
    request: AbortSignal,
  ): { signal: AbortSignal; done(): void } {
    const controller = new AbortController();
    const forget = whenAborted(
      request,
      () => controller.abort(request.reason),
    );
    const same = this.#calls.get(id) ?? new Set();
    same.add(controller);
    this.#calls.set(id, same);
    return {
      signal: controller.signal,
      done: () => {
        forget();
        same.delete(controller);
        if (same.size === 0 && this.#calls.get(id) === same) {
          this.#calls.delete(id);
        }
      },
    };
  }

  /** Stops call `id`, when exactly one call in flight has that id. */
  cancel(id: unknown, reason: unknown): void {
    if (typeof id !== "string" && typeof id !== "number") return;
    const same = this.#calls.get(id);
    if (same?.size !== 1) return;
    for (const controller of same) {
      controller.abort(typeof reason === "string" ? reason : "cancelled");
    }
  }
}
