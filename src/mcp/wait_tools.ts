/**
 * The tools that let turns outlive the call that started them:
 * `codex_wait` (collect a turn's result, waiting a bounded time) and
 * `codex_cancel` (stop it).
 *
 * @module
 */

import type { CallToolResult } from "@modelcontextprotocol/sdk/types";
import { z } from "zod";
import {
  findRolloutFile,
  readConversationPage,
  readSessionMeta,
} from "../codex/store.ts";
import { requireSessionInRoots } from "../turns/workspace_roots.ts";
import type { Config } from "../config.ts";
import { unknownSession } from "../errors.ts";
import { pathInfo } from "../runtime/fs.ts";
import type { RunningTurn } from "../turns/running_turn.ts";
import type { TurnService } from "../turns/service.ts";
import { SESSION_ID_SCHEMA, wholeNumber } from "./fields.ts";
import { type CallContext, progressReporter } from "./progress.ts";
import {
  errorResult,
  type ReplyField,
  runningResult,
  turnOutputShape,
  turnResult,
} from "./results.ts";

/** `wait_ms` when a call gives none. */
export const DEFAULT_WAIT_MS = 30_000;
/** The longest a single codex_wait call may wait. */
export const MAX_WAIT_MS = 3_600_000;

/** Input of `codex_wait`. */
export const WAIT_INPUT = {
  session_id: SESSION_ID_SCHEMA.describe(
    "The session whose turn to collect (from the call that started it).",
  ),
  wait_ms: wholeNumber("wait_ms", 0, MAX_WAIT_MS, " (1 h)").optional()
    .describe(
      `Wait at most this long for the turn to end (default ${DEFAULT_WAIT_MS}; 0 only looks). Keep it below your client's tool timeout.`,
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
  session_id: SESSION_ID_SCHEMA.describe("The session whose turn to stop."),
};

/** Structured output of `codex_cancel`. */
export const CANCEL_OUTPUT = {
  session_id: z.string(),
  status: z.enum(["cancelled", "idle"]).describe(
    "cancelled: the running (and any queued) turns were stopped. idle: nothing was running.",
  ),
  cancelled: z.number().describe("How many turns were stopped."),
};

/** Parsed input of `codex_wait`. */
export type WaitInput = z.infer<z.ZodObject<typeof WAIT_INPUT>>;
/** Parsed input of `codex_cancel`. */
export type CancelInput = z.infer<z.ZodObject<typeof CANCEL_INPUT>>;

/**
 * Runs `codex_wait`: the session's oldest turn whose result no caller has
 * had yet, once it ends or `wait_ms` passes; with nothing running or kept,
 * the last reply in Codex's store. The client cancelling this call ends
 * only the wait.
 *
 * @example
 * ```ts ignore
 * await waitTool(turns, config, { session_id: "01a2…", wait_ms: 5_000 }, context);
 * ```
 */
export async function waitTool(
  turns: TurnService,
  config: Config,
  input: WaitInput,
  context: CallContext,
): Promise<CallToolResult> {
  const sessionId = input.session_id.toLowerCase();
  const [turn] = turns.turnsOf(sessionId);
  if (turn === undefined) return await lastStoredReply(config, sessionId);
  const progress = progressReporter(context, config.heartbeatMs);
  const unsubscribe = turn.subscribe(progress.report);
  try {
    const waitMs = input.wait_ms ?? DEFAULT_WAIT_MS;
    if (!await turn.settledWithin(waitMs, context.signal)) {
      return stillRunning(turn, sessionId);
    }
  } finally {
    unsubscribe();
    progress.stop();
  }
  return collectResult(turns, turn, "codex_wait", "reply", config);
}

/**
 * The result of a settled turn for the caller that collects it (it is no
 * longer kept afterwards): the reply, or the turn's error.
 */
export async function collectResult(
  turns: TurnService,
  turn: RunningTurn,
  toolName: string,
  replyField: ReplyField,
  config: Config,
): Promise<CallToolResult> {
  turns.collect(turn);
  try {
    return turnResult(replyField, await turn.result, config.maxReplyBytes);
  } catch (error) {
    return errorResult(toolName, error);
  }
}

/** A running result for a turn (its session named by now). */
export function stillRunning(
  turn: RunningTurn,
  sessionId: string,
): CallToolResult {
  return runningResult(
    sessionId,
    Date.now() - turn.acceptedAt,
    turn.latestProgress,
  );
}

/**
 * Runs `codex_cancel`: stops the session's queued and running turns and
 * waits for them to end; on an idle session, says so.
 *
 * @example
 * ```ts ignore
 * await cancelTool(turns, config, { session_id: "01a2…" });
 * ```
 */
export async function cancelTool(
  turns: TurnService,
  config: Config,
  input: CancelInput,
): Promise<CallToolResult> {
  const sessionId = input.session_id.toLowerCase();
  const stopped = turns.cancel(sessionId, "codex_cancel was called");
  if (stopped.length === 0) {
    await requireStoredSession(config, sessionId);
    return {
      content: [{
        type: "text",
        text:
          `Nothing is running on session ${sessionId} in this server, so nothing was stopped. codex_wait returns its last reply.`,
      }],
      structuredContent: {
        session_id: sessionId,
        status: "idle",
        cancelled: 0,
      },
    };
  }
  await Promise.all(stopped.map((turn) => turn.result.catch(() => {})));
  return {
    content: [{
      type: "text",
      text:
        `Stopped ${stopped.length} turn(s) on session ${sessionId}; Codex is no longer running there. codex_wait reports the cancellation, and the session can be continued with a new call.`,
    }],
    structuredContent: {
      session_id: sessionId,
      status: "cancelled",
      cancelled: stopped.length,
    },
  };
}

/** The session's rollout file; an unknown session is a clear error. */
async function requireStoredSession(
  config: Config,
  sessionId: string,
): Promise<string> {
  const path = await findRolloutFile(config.codexHome, sessionId);
  if (path === undefined) {
    throw unknownSession(
      config.codexHome,
      sessionId,
      "Pass the session_id a turn tool returned; codex_sessions lists the sessions.",
    );
  }
  await requireSessionInRoots(
    (await readSessionMeta(path))?.cwd,
    config.roots,
    sessionId,
  );
  return path;
}

/** The last reply Codex's store holds for a session with nothing kept here. */
async function lastStoredReply(
  config: Config,
  sessionId: string,
): Promise<CallToolResult> {
  const path = await requireStoredSession(config, sessionId);
  const size = (await pathInfo(path))?.size ?? 0;
  const { messages } = await readConversationPage(path, { turns: 1, size });
  const reply = messages.findLast((message) => message.role === "agent");
  const result = turnResult(
    "reply",
    { sessionId, reply: reply?.text ?? "" },
    config.maxReplyBytes,
  );
  return {
    ...result,
    structuredContent: { ...result.structuredContent, from_store: true },
  };
}
