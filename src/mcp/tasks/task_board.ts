/**
 * Turns as MCP tasks (the 2026-07-28 tasks extension): a turn tool called
 * by a client that declares the extension answers at once with a task
 * whose `taskId` is the turn's id; `tasks/get` reports the turn (its
 * progress as the status message, Codex's questions for the human as
 * `inputRequests`) and, once it has settled, the result a blocking call
 * would have given; `tasks/cancel` stops it as `codex_cancel` does;
 * `tasks/update` carries the human's answers.
 *
 * @module
 */

import {
  type CallToolResult,
  ProtocolError,
  ProtocolErrorCode,
} from "@modelcontextprotocol/server";
import { type AskHuman, DECLINE } from "../../codex/approvals.ts";
import type { Config } from "../../config.ts";
import { CodexError } from "../../errors.ts";
import type { RunningTurn } from "../../turns/running_turn.ts";
import type { TurnService } from "../../turns/service.ts";
import { expiredEntries } from "../../retention.ts";
import { OpenQuestions } from "../calls/open_questions.ts";
import type { ReplyField } from "../calls/results.ts";
import type { TaskAnswer, TaskOpener } from "../calls/turn_calls.ts";
import { collectResult } from "../calls/turn_results.ts";

/** How often a client should ask (`pollIntervalMs`). */
export const TASK_POLL_INTERVAL_MS = 2_000;

/** One task: the turn behind it and what the client has been told. */
interface Task {
  turn: RunningTurn;
  tool: { name: string; replyField: ReplyField };
  createdAt: string;
  /** Why the client cancelled it, once it has. */
  cancelled?: string;
  /** The settled turn's result, collected once. */
  result?: Promise<CallToolResult>;
  questions: OpenQuestions;
}

/** The tasks this server has opened, kept under the result bounds. */
export class TaskBoard implements TaskOpener {
  readonly #turns: TurnService;
  readonly #config: Pick<
    Config,
    "maxReplyBytes" | "resultRetentionMs" | "maxRetainedResults"
  >;
  readonly #tasks = new Map<string, Task>();

  /** A board over `turns`. */
  constructor(
    turns: TurnService,
    config: Pick<
      Config,
      "maxReplyBytes" | "resultRetentionMs" | "maxRetainedResults"
    >,
  ) {
    this.#turns = turns;
    this.#config = config;
  }

  /**
   * Opens the task of `turn`; the answer to the call that started it (a
   * `resultType: "task"` result).
   */
  open(
    turn: RunningTurn,
    tool: { name: string; replyField: ReplyField },
  ): TaskAnswer {
    this.#prune();
    const task: Task = {
      turn,
      tool,
      createdAt: new Date(turn.acceptedAt).toISOString(),
      questions: new OpenQuestions(),
    };
    this.#tasks.set(turn.id, task);
    return { resultType: "task", ...this.#describe(task) };
  }

  /** How the task with this id asks the human: through `inputRequests`. */
  askerFor(taskId: string): AskHuman {
    return (question, signal) => {
      const task = this.#tasks.get(taskId);
      return task === undefined
        ? Promise.resolve(DECLINE)
        : task.questions.asker()(question, signal);
    };
  }

  /** `tasks/get`: the task, with its result once it has settled. */
  async get(taskId: string): Promise<Record<string, unknown>> {
    const task = this.#find(taskId);
    const status = this.#describe(task);
    if (status.status !== "completed") return status;
    return { ...status, result: await this.#resultOf(task) };
  }

  /** `tasks/cancel`: stops the task's turn as codex_cancel does. */
  async cancel(taskId: string): Promise<Record<string, unknown>> {
    const task = this.#find(taskId);
    const { turn } = task;
    if (turn.outcome === undefined) {
      task.cancelled ??= "the client cancelled the task (tasks/cancel)";
      const sessionId = turn.sessionId;
      // The same stop as codex_cancel; a new session not named yet is
      // stopped directly.
      if (sessionId === undefined) turn.stop(task.cancelled);
      else this.#turns.cancel(sessionId, task.cancelled, turn.id);
      await turn.result.catch(() => {});
    }
    return this.#describe(task);
  }

  /** `tasks/update`: the human's answers to the task's questions. */
  update(taskId: string, inputResponses: unknown): Record<string, unknown> {
    this.#find(taskId).questions.answer(inputResponses);
    return {};
  }

  /** The task's status as the client reads it (without the result). */
  #describe(task: Task): Record<string, unknown> {
    const { turn } = task;
    const base = {
      taskId: turn.id,
      createdAt: task.createdAt,
      lastUpdatedAt: new Date(turn.settledAt ?? Date.now()).toISOString(),
      ttlMs: this.#config.resultRetentionMs,
      pollIntervalMs: TASK_POLL_INTERVAL_MS,
    };
    const outcome = turn.outcome;
    if (outcome === undefined) {
      if (task.questions.size > 0) {
        return {
          ...base,
          status: "input_required",
          statusMessage: "Codex asks the human for approval",
          inputRequests: task.questions.inputRequests(),
        };
      }
      return {
        ...base,
        status: "working",
        ...(turn.latestProgress === undefined
          ? {}
          : { statusMessage: turn.latestProgress }),
      };
    }
    if (
      task.cancelled !== undefined && "error" in outcome &&
      outcome.error instanceof CodexError && outcome.error.kind === "cancelled"
    ) {
      return { ...base, status: "cancelled", statusMessage: task.cancelled };
    }
    return { ...base, status: "completed" };
  }

  /** The blocking call's result, collected from the turn once. */
  #resultOf(task: Task): Promise<CallToolResult> {
    task.result ??= collectResult(
      this.#turns,
      task.turn,
      task.tool.name,
      task.tool.replyField,
      this.#config.maxReplyBytes,
    );
    return task.result;
  }

  #find(taskId: string): Task {
    this.#prune();
    const task = this.#tasks.get(taskId);
    if (task === undefined) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Unknown task ${taskId}: this server never opened it, or has dropped it (a settled task is kept ${this.#config.resultRetentionMs} ms, CODEX_PERSISTENT_MCP_RESULT_RETENTION_MS, and among the newest ${this.#config.maxRetainedResults}, CODEX_PERSISTENT_MCP_MAX_RETAINED_RESULTS). Its Codex session keeps the conversation: codex_sessions lists it.`,
      );
    }
    return task;
  }

  /** Drops settled tasks past the retention bounds, the oldest first. */
  #prune(): void {
    for (
      const task of expiredEntries(
        this.#tasks.values(),
        (kept) => kept.turn.settledAt,
        this.#config,
      )
    ) this.#tasks.delete(task.turn.id);
  }
}
