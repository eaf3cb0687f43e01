/**
 * How one call reaches the human for Codex's approvals: a task's
 * `inputRequests` when the call is a task; an `input_required` result when
 * it is a 2026-07-28 call that is not; otherwise `elicitation/create` to a
 * 2025-era client that takes forms. Only the client's user-facing channels
 * count: no tool input can answer for the human.
 *
 * @module
 */

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp";
import type { ElicitRequestFormParams } from "@modelcontextprotocol/sdk/types";
import { type AskHuman, humanAnswerOf } from "../codex/approvals.ts";
import type { CallContext } from "./progress.ts";
import type { OpenQuestions } from "./open_questions.ts";
import { claimedRevision, declaresElicitation } from "./protocol_2026.ts";
import type { TaskBoard } from "./tasks.ts";

/** What a call's way to the human depends on. */
export interface HumanChannel {
  mcp: McpServer;
  context: CallContext;
  tasks: TaskBoard;
  /** The call's task, if it is one (known once the turn is started). */
  taskId?: () => string;
  /**
   * Where a 2026-07-28 call that follows its turn (not a task, not in the
   * background) keeps the questions it answers as `input_required`.
   */
  questions?: OpenQuestions;
  /** How long an elicitation may wait for the human. */
  timeoutMs: number;
}

/**
 * The call's way to the human, or `undefined` when there is none (Codex
 * then may not ask, which declines whatever it would have asked).
 *
 * @example
 * ```ts ignore
 * const askHuman = humanAsker({ mcp, context, tasks, timeoutMs: 120_000 });
 * ```
 */
export function humanAsker(channel: HumanChannel): AskHuman | undefined {
  const { mcp, context, tasks, taskId, questions, timeoutMs } = channel;
  if (taskId !== undefined) {
    return (question, signal) => tasks.askerFor(taskId())(question, signal);
  }
  // A 2026-07-28 client ignores a server-sent elicitation (measured with
  // Claude Code); it is asked through the call's own result.
  if (claimedRevision({ _meta: context._meta }) !== undefined) {
    return questions !== undefined && declaresElicitation(context._meta)
      ? questions.asker()
      : undefined;
  }
  const elicitation = mcp.server.getClientCapabilities()?.elicitation;
  if (elicitation === undefined) return undefined;
  return async (question, signal) =>
    humanAnswerOf(
      await mcp.server.elicitInput(
        {
          mode: "form",
          message: question.message,
          // Our forms are flat primitive fields, as MCP's form mode takes;
          // the client validates what Codex's own MCP servers ask.
          requestedSchema: question
            .requestedSchema as ElicitRequestFormParams["requestedSchema"],
        },
        // The bound itself is boundedAsker's (it aborts `signal`); this only
        // lifts the SDK's own 60 s request default up to it.
        { signal, timeout: timeoutMs },
      ),
    );
}
