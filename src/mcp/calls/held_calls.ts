/**
 * Codex's questions on a 2026-07-28 call that is not a task: the call
 * answers `input_required` with the questions as `inputRequests` and a
 * `requestState` naming it; the client shows the forms to the human and
 * retries the call with the answers (`inputResponses`) and the same state.
 * The retry carries on with the same turn; it never starts another. The
 * state is sealed by the SDK's codec (no one can forge one), names a call
 * this server holds, and is good once and for its own tool.
 *
 * @module
 */

import {
  createRequestStateCodec,
  inputRequired,
  type InputRequiredResult,
  type RequestStateCodec,
} from "@modelcontextprotocol/server";
import type { Config } from "../../config.ts";
import { CodexError } from "../../errors.ts";
import { isRecord } from "../../json.ts";
import { expiredEntries } from "../../retention.ts";
import type { RunningTurn } from "../../turns/running_turn.ts";
import type { OpenQuestions } from "./open_questions.ts";

/** A call waiting for the client's retry. */
export interface HeldCall {
  /** The turn the call follows. */
  turn: RunningTurn;
  /** The tool that was called. */
  toolName: string;
  /** The turn's questions for the human. */
  questions: OpenQuestions;
}

/** What a sealed `requestState` carries. */
interface HeldState {
  held: string;
  tool: string;
}

/** The calls answered `input_required`, by the name their state carries. */
export class HeldCalls {
  readonly #config: Pick<Config, "resultRetentionMs" | "maxRetainedResults">;
  readonly #held = new Map<string, HeldCall>();
  readonly #codec: RequestStateCodec<HeldState>;

  /** Holds calls under the result bounds, with a key of this process. */
  constructor(
    config: Pick<Config, "resultRetentionMs" | "maxRetainedResults">,
  ) {
    this.#config = config;
    this.#codec = createRequestStateCodec<HeldState>({
      key: crypto.getRandomValues(new Uint8Array(32)),
      ttlSeconds: Math.ceil(config.resultRetentionMs / 1000),
    });
  }

  /** The SDK's check of an echoed state (`ServerOptions.requestState`). */
  get verify(): RequestStateCodec<HeldState>["verify"] {
    return this.#codec.verify;
  }

  /**
   * The `input_required` answer for `call`: its open questions, and a new
   * sealed state that names it.
   */
  async hold(call: HeldCall): Promise<InputRequiredResult> {
    this.#prune();
    const held = crypto.randomUUID();
    this.#held.set(held, call);
    return inputRequired({
      inputRequests: call.questions.inputRequests(),
      requestState: await this.#codec.mint({ held, tool: call.toolName }),
    });
  }

  /**
   * The held call a retry carries on, with the client's answers given to
   * its questions; `undefined` when the call is no retry. A state this
   * server no longer holds, or one for another tool, throws a `bad_input`
   * CodexError.
   */
  resume(
    retry: { state: unknown; inputResponses: unknown } | undefined,
    toolName: string,
  ): HeldCall | undefined {
    if (retry === undefined) return undefined;
    const state = isRecord(retry.state) ? retry.state : {};
    const held = typeof state.held === "string" ? state.held : "";
    const call = this.#held.get(held);
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
    this.#held.delete(held);
    call.questions.answer(retry.inputResponses);
    return call;
  }

  /**
   * Drops held calls as the retention rule says: never one whose turn still
   * runs (its question may still be waiting for the human).
   */
  #prune(): void {
    for (
      const [held] of expiredEntries(
        this.#held,
        ([, call]) => call.turn.settledAt,
        this.#config,
      )
    ) this.#held.delete(held);
  }
}
