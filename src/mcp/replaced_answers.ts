/**
 * Answers that go out instead of the SDK's own: the SDK 1.x passes a tool
 * result only in 2025 shapes, so a task or an `input_required` answer is
 * set here by the tool handler (which returns a placeholder), and the
 * protocol transport sends it in the placeholder's place.
 *
 * @module
 */

import type { RequestId } from "@modelcontextprotocol/sdk/types";

/**
 * The replaced answers, by request id, each taken once.
 *
 * @example
 * ```ts
 * import { ReplacedAnswers } from "./replaced_answers.ts";
 * const replaced = new ReplacedAnswers();
 * replaced.replace(7, { resultType: "task", taskId: "turn-1" });
 * replaced.take(7); // { resultType: "task", taskId: "turn-1" }
 * replaced.take(7); // undefined
 * ```
 */
export class ReplacedAnswers {
  readonly #answers = new Map<RequestId, Record<string, unknown>>();

  /** The answer to request `id` is `result`. */
  replace(id: RequestId, result: Record<string, unknown>): void {
    this.#answers.set(id, result);
  }

  /** Whether request `id`'s answer is replaced. */
  has(id: RequestId): boolean {
    return this.#answers.has(id);
  }

  /** The replacement for request `id`, taken once. */
  take(id: RequestId): Record<string, unknown> | undefined {
    const answer = this.#answers.get(id);
    this.#answers.delete(id);
    return answer;
  }
}
