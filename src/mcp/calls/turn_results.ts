/**
 * What a caller gets for one turn it holds: the result once the turn has
 * settled (collecting it), or that it is still running; either way with
 * its `turn_id` and the session's other uncollected turns.
 *
 * @module
 */

import type { CallToolResult } from "@modelcontextprotocol/server";
import type { RunningTurn } from "../../turns/running_turn.ts";
import type { TurnService } from "../../turns/service.ts";
import {
  errorResult,
  type ReplyField,
  runningResult,
  type TurnHandle,
  turnResult,
} from "./results.ts";

/** The turn's id and the other turns of its session still kept. */
function handleOf(turns: TurnService, turn: RunningTurn): TurnHandle {
  const sessionId = turn.sessionId;
  return {
    turnId: turn.id,
    uncollected: sessionId === undefined
      ? []
      : turns.turnsOf(sessionId).filter((other) => other !== turn)
        .map((other) => other.id),
  };
}

/**
 * The result of a settled turn for the caller that collects it (it is no
 * longer kept afterwards): the reply, or the turn's error.
 *
 * @example
 * ```ts ignore
 * await collectResult(turns, turn, "codex_chat", "reply", 4_000_000);
 * ```
 */
export async function collectResult(
  turns: TurnService,
  turn: RunningTurn,
  toolName: string,
  replyField: ReplyField,
  maxReplyBytes: number,
): Promise<CallToolResult> {
  turns.collect(turn);
  const handle = handleOf(turns, turn);
  try {
    return turnResult(replyField, await turn.result, maxReplyBytes, handle);
  } catch (error) {
    return errorResult(toolName, error, handle);
  }
}

/**
 * A running result for a turn (its session named by now).
 *
 * @example
 * ```ts ignore
 * stillRunning(turns, turn, "01a20ad4-3b48-7682-848b-3b8e5878fb23");
 * ```
 */
export function stillRunning(
  turns: TurnService,
  turn: RunningTurn,
  sessionId: string,
): CallToolResult {
  return runningResult(
    sessionId,
    Date.now() - turn.acceptedAt,
    turn.latestProgress,
    handleOf(turns, turn),
  );
}
