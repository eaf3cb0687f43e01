/**
 * The tools that let turns outlive the call that started them:
 * `codex_wait` (collect a turn's result, waiting a bounded time) and
 * `codex_cancel` (stop it).
 *
 * @module
 */

import type { CallToolResult } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { Config } from "../../config.ts";
import { CodexError } from "../../errors.ts";
import { isRecord } from "../../json.ts";
import type { SessionStore, StoredSession } from "../../store/session_store.ts";
import type { RunningTurn } from "../../turns/running_turn.ts";
import type { TurnService } from "../../turns/service.ts";
import { SESSION_ID_SCHEMA, TURN_ID_SCHEMA, wholeNumber } from "./fields.ts";
import { type CallScope, progressReporter } from "../calls/progress.ts";
import { turnResult } from "../calls/results.ts";
import { turnOutputShape } from "./turn_output.ts";
import { collectResult, stillRunning } from "../calls/turn_results.ts";

/** `wait_ms` when a call gives none. */
export const DEFAULT_WAIT_MS = 30_000;
/** The longest a single codex_wait call may wait. */
export const MAX_WAIT_MS = 3_600_000;

/** Input of `codex_wait`. */
export const WAIT_INPUT = {
  session_id: SESSION_ID_SCHEMA.describe(
    "The session whose turn to collect (from the call that started it).",
  ),
  turn_id: TURN_ID_SCHEMA.optional().describe(
    "The turn to collect (from the result that said running). Default: the session's newest turn.",
  ),
  wait_ms: wholeNumber("wait_ms", 0, MAX_WAIT_MS, " (1 h)").optional()
    .describe(
      `Wait at most this long for the turn to end (default ${DEFAULT_WAIT_MS}; 0 only looks). Never longer than the server's CODEX_PERSISTENT_MCP_HANDOFF_MS, when set. Keep it below your client's tool timeout.`,
    ),
};

/** Structured output of `codex_wait`. */
export const WAIT_OUTPUT = {
  ...turnOutputShape("reply"),
  from_store: z.boolean().optional().describe(
    "The session had nothing running or kept here: this is the last reply Codex's store holds.",
  ),
};

/** Input of `codex_cancel`. */
export const CANCEL_INPUT = {
  session_id: SESSION_ID_SCHEMA.describe("The session whose turns to stop."),
  turn_id: TURN_ID_SCHEMA.optional().describe(
    "Stop only this turn. Default: every queued and running turn of the session.",
  ),
};

/** Structured output of `codex_cancel`. */
export const CANCEL_OUTPUT = {
  session_id: z.string(),
  status: z.enum(["cancelled", "idle"]).describe(
    "cancelled: the running (and any queued) turns were stopped. idle: nothing was running.",
  ),
  cancelled: z.number().describe("How many turns were stopped."),
  turn_ids: z.array(z.string()).describe("The turns stopped."),
};

/** Parsed input of `codex_wait`. */
export type WaitInput = z.infer<z.ZodObject<typeof WAIT_INPUT>>;
/** Parsed input of `codex_cancel`. */
export type CancelInput = z.infer<z.ZodObject<typeof CANCEL_INPUT>>;

/**
 * How long one codex_wait call may wait: what it asks (or the default),
 * never past the hand-off, the user's bound on every call.
 *
 * @example
 * ```ts
 * import { waitBound } from "./wait_tools.ts";
 * waitBound(undefined, 10_000); // 10000
 * waitBound(5_000, undefined); // 5000
 * ```
 */
export function waitBound(
  waitMs: number | undefined,
  handoffMs: number | undefined,
): number {
  return Math.min(waitMs ?? DEFAULT_WAIT_MS, handoffMs ?? Infinity);
}

/**
 * Runs `codex_wait`: the turn `turn_id` names, else the session's newest
 * turn whose result no caller has had yet, once it ends or the wait is
 * over; with nothing running or kept, the last reply in Codex's store. The
 * client cancelling this call ends only the wait.
 *
 * @example
 * ```ts ignore
 * await waitTool(turns, store, config, { session_id: "01a2…", wait_ms: 5_000 }, scope);
 * ```
 */
export async function waitTool(
  turns: TurnService,
  store: SessionStore,
  config: Pick<Config, "maxReplyBytes" | "heartbeatMs" | "handoffMs">,
  input: WaitInput,
  scope: CallScope,
): Promise<CallToolResult> {
  const sessionId = input.session_id;
  const turn = heldTurn(turns, sessionId, input.turn_id);
  if (turn === undefined) {
    return await lastStoredReply(store, config.maxReplyBytes, sessionId);
  }
  const progress = progressReporter(scope, config.heartbeatMs);
  const unsubscribe = turn.subscribe(progress.report);
  try {
    const waitMs = waitBound(input.wait_ms, config.handoffMs);
    if (!await turn.settledWithin(waitMs, scope.signal)) {
      return stillRunning(turns, turn, sessionId);
    }
  } finally {
    unsubscribe();
    progress.stop();
  }
  return collectResult(
    turns,
    turn,
    "codex_wait",
    "reply",
    config.maxReplyBytes,
  );
}

/** The turn asked for, or the session's newest kept one. */
function heldTurn(
  turns: TurnService,
  sessionId: string,
  turnId: string | undefined,
): RunningTurn | undefined {
  const kept = turns.turnsOf(sessionId);
  if (turnId === undefined) return kept.at(-1);
  const turn = kept.find((candidate) => candidate.id === turnId);
  if (turn !== undefined) return turn;
  throw new CodexError(
    "unknown_turn",
    `Turn ${turnId} is not running or kept on session ${sessionId} in this server: its result was already collected, dropped past the retention bounds (CODEX_PERSISTENT_MCP_RESULT_RETENTION_MS, CODEX_PERSISTENT_MCP_MAX_RETAINED_RESULTS), or it belongs to another session or an earlier run of the server.`,
    {
      sessionId,
      hint:
        "Call codex_wait without turn_id for the session's newest turn or its last reply; codex_session_read shows every reply Codex stored.",
    },
  );
}

/**
 * Runs `codex_cancel`: stops the session's queued and running turns (or
 * the one `turn_id` names) and waits for them to end; when nothing runs,
 * says so.
 *
 * @example
 * ```ts ignore
 * await cancelTool(turns, store, { session_id: "01a2…" });
 * ```
 */
export async function cancelTool(
  turns: TurnService,
  store: SessionStore,
  input: CancelInput,
): Promise<CallToolResult> {
  const sessionId = input.session_id;
  const stopped = turns.cancel(
    sessionId,
    "codex_cancel was called",
    input.turn_id,
  );
  if (stopped.length === 0) {
    await openStored(store, sessionId);
    const what = input.turn_id === undefined
      ? `Nothing is running on session ${sessionId}`
      : `Turn ${input.turn_id} is not running on session ${sessionId}`;
    return {
      content: [{
        type: "text",
        text:
          `${what} in this server, so nothing was stopped. codex_wait returns its result or the session's last reply.`,
      }],
      structuredContent: {
        session_id: sessionId,
        status: "idle",
        cancelled: 0,
        turn_ids: [],
      },
    };
  }
  await Promise.all(stopped.map((turn) => turn.result.catch(() => {})));
  const ids = stopped.map((turn) => turn.id);
  return {
    content: [{
      type: "text",
      text: `Stopped ${stopped.length} turn(s) on session ${sessionId} (${
        ids.join(", ")
      }); Codex is no longer running them. codex_wait reports the cancellation, and the session can be continued with a new call.`,
    }],
    structuredContent: {
      session_id: sessionId,
      status: "cancelled",
      cancelled: stopped.length,
      turn_ids: ids,
    },
  };
}

/** A session of the store; an unknown one is a clear error. */
function openStored(
  store: SessionStore,
  sessionId: string,
): Promise<StoredSession> {
  return store.open(
    sessionId,
    "Pass the session_id a turn tool returned; codex_sessions lists the sessions.",
  );
}

/** The last reply Codex's store holds for a session with nothing kept here. */
async function lastStoredReply(
  store: SessionStore,
  maxReplyBytes: number,
  sessionId: string,
): Promise<CallToolResult> {
  const { reply, activity } = await store.lastTurn(
    await openStored(store, sessionId),
  );
  const result = turnResult(
    "reply",
    { sessionId, reply: reply ?? "", activity },
    maxReplyBytes,
  );
  return {
    ...result,
    structuredContent: {
      ...(isRecord(result.structuredContent) ? result.structuredContent : {}),
      from_store: true,
    },
  };
}
