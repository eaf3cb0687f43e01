/**
 * Codex's questions for the human on one call, while they wait for an
 * answer: what a task's `tasks/get` and a 2026-07-28 `input_required`
 * result show as `inputRequests`, and where the client's answers
 * (`inputResponses`) go.
 *
 * @module
 */

import {
  type ApprovalQuestion,
  type AskHuman,
  DECLINE,
  type HumanAnswer,
  humanAnswerOf,
} from "../../codex/approvals.ts";
import type {
  ElicitRequestFormParams,
  InputRequests,
} from "@modelcontextprotocol/server";
import { whenAborted } from "../../abort.ts";
import { isRecord } from "../../json.ts";

/**
 * A question's form as MCP's form mode takes it. Our forms are flat
 * primitive fields; the client validates what Codex's own MCP servers ask.
 */
export function formSchema(
  question: ApprovalQuestion,
): ElicitRequestFormParams["requestedSchema"] {
  return question.requestedSchema as ElicitRequestFormParams["requestedSchema"];
}

/** A question waiting for the human's answer. */
interface OpenQuestion {
  question: ApprovalQuestion;
  answer: (answer: HumanAnswer) => void;
}

/**
 * The open questions of one call, keyed as the client sees them.
 *
 * @example
 * ```ts
 * import { OpenQuestions } from "./open_questions.ts";
 * const questions = new OpenQuestions();
 * const answer = questions.asker()({
 *   kind: "command",
 *   message: "Codex asks to run a command outside its sandbox",
 *   requestedSchema: { type: "object", properties: {} },
 * }, new AbortController().signal);
 * questions.answer({ "approval-1": { action: "accept" } });
 * await answer; // { action: "accept" }
 * ```
 */
export class OpenQuestions {
  readonly #open = new Map<string, OpenQuestion>();
  readonly #onAsked = new Set<() => void>();
  #asked = 0;
  #closed = false;

  /** How many questions wait for an answer. */
  get size(): number {
    return this.#open.size;
  }

  /**
   * How Codex asks through these questions: each question waits until the
   * client answers it or `signal` aborts (a decline); once closed, every
   * question is declined at once.
   */
  asker(): AskHuman {
    return (question, signal) =>
      new Promise((resolve) => {
        if (this.#closed || signal.aborted) return resolve(DECLINE);
        const key = `approval-${++this.#asked}`;
        const settle = (answer: HumanAnswer): void => {
          this.#open.delete(key);
          forgetAbort();
          resolve(answer);
        };
        const forgetAbort = whenAborted(signal, () => settle(DECLINE));
        this.#open.set(key, { question, answer: settle });
        for (const listener of [...this.#onAsked]) listener();
      });
  }

  /** The open questions as `inputRequests`. */
  inputRequests(): InputRequests {
    return Object.fromEntries(
      [...this.#open].map(([key, { question }]) => [key, {
        method: "elicitation/create",
        params: {
          mode: "form",
          message: question.message,
          requestedSchema: formSchema(question),
        },
      }]),
    );
  }

  /** Answers the open questions `inputResponses` names; others stay open. */
  answer(inputResponses: unknown): void {
    if (!isRecord(inputResponses)) return;
    for (const [key, response] of Object.entries(inputResponses)) {
      this.#open.get(key)?.answer(humanAnswerOf(response));
    }
  }

  /** Calls `listener` on each new question; the returned function stops it. */
  onAsked(listener: () => void): () => void {
    this.#onAsked.add(listener);
    return () => this.#onAsked.delete(listener);
  }

  /** No one will answer any more: declines the open questions and later ones. */
  close(): void {
    this.#closed = true;
    for (const { answer } of [...this.#open.values()]) answer(DECLINE);
  }
}
