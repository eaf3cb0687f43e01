/**
 * Codex's questions on a 2026-07-28 call that is not a task: the call
 * answers `input_required` with the questions as `inputRequests` and a
 * `requestState` naming it; the client shows the forms to the human and
 * retries the call with the answers (`inputResponses`) and the same
 * `requestState`. The retry carries on with the same turn; it never starts
 * another. The state is a random name for a call this server holds, so no
 * one can forge one, and only the client's retry (never a tool's input)
 * carries it.
 *
 * @module
 */

import { expiredEntries } from "../retention.ts";
import type { RequestId } from "@modelcontextprotocol/sdk/types";
import type { Config } from "../config.ts";
import { CodexError } from "../errors.ts";
import { isRecord } from "../json.ts";
import type { RunningTurn } from "../turns/running_turn.ts";
import type { OpenQuestions } from "./open_questions.ts";
import { RETRY_META_KEYS } from "./protocol_2026.ts";
import type { ReplacedAnswers } from "./replaced_answers.ts";

/** A call waiting for the client's retry. */
export interface HeldCall {
  /** The turn the call follows. */
  turn: RunningTurn;
  /** The tool that was called. */
  toolName: string;
  /** The turn's questions for the human. */
  questions: OpenQuestions;
}

/** The calls answered `input_required`, by the `requestState` they gave. */
export class InputRequiredCalls {
  readonly #replaced: ReplacedAnswers;
  readonly #config: Pick<Config, "resultRetentionMs" | "maxRetainedResults">;
  readonly #held = new Map<string, HeldCall>();

  /** Answers through `replaced`, holding calls under the result bounds. */
  constructor(
    replaced: ReplacedAnswers,
    config: Pick<Config, "resultRetentionMs" | "maxRetainedResults">,
  ) {
    this.#replaced = replaced;
    this.#config = config;
  }

  /**
   * Answers request `requestId` with `input_required`: the call's open
   * questions, and a new `requestState` that names the call.
   */
  ask(requestId: RequestId, call: HeldCall): void {
    this.#prune();
    const requestState = crypto.randomUUID();
    this.#held.set(requestState, call);
    this.#replaced.replace(requestId, {
      resultType: "input_required",
      inputRequests: call.questions.inputRequests(),
      requestState,
    });
  }

  /**
   * The held call a retry (its `_meta`) carries on, with the client's
   * answers given to its questions; `undefined` when the request is no
   * retry. A state this server does not hold, or one for another tool,
   * throws a `bad_input` CodexError.
   */
  resume(meta: unknown, toolName: string): HeldCall | undefined {
    const fields = isRecord(meta) ? meta : {};
    const requestState = fields[RETRY_META_KEYS.requestState];
    if (requestState === undefined) return undefined;
    const state = typeof requestState === "string" ? requestState : "";
    const call = this.#held.get(state);
    if (call === undefined || call.toolName !== toolName) {
      throw new CodexError(
        "bad_input",
        `This retry of ${toolName} carries a requestState this server does not hold: its questions were answered already, the server restarted, or the call was for another tool.`,
        {
          hint:
            "Codex's turn, if any, goes on without it: codex_sessions shows the session and whether it is still running, codex_wait collects its result.",
        },
      );
    }
    // Each state is answered once; a further question gets a new one.
    this.#held.delete(state);
    call.questions.answer(fields[RETRY_META_KEYS.inputResponses]);
    return call;
  }

  /**
   * Drops held calls as the retention rule says: never one whose turn still
   * runs (its question may still be waiting for the human).
   */
  #prune(): void {
    for (
      const [state] of expiredEntries(
        this.#held,
        ([, call]) => call.turn.settledAt,
        this.#config,
      )
    ) this.#held.delete(state);
  }
}
