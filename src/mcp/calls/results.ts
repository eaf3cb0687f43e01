/**
 * Tool results: a turn's reply, and every failure in one format (what went
 * wrong, the session, what to do).
 *
 * @module
 */

import { newActivity } from "../../activity.ts";
import { activityLine } from "./activity_output.ts";
import type { CallToolResult } from "@modelcontextprotocol/server";
import type { z } from "zod";
import type { Usage } from "../../codex/events.ts";
import type { TurnResult } from "../../codex/verdict.ts";
import { CodexError } from "../../errors.ts";
import { capText } from "../../text_cap.ts";

/** The field that carries Codex's reply in a tool's result. */
export type ReplyField = "reply" | "critique" | "review";

/** Which turn a result is for, and the session's other uncollected ones. */
export interface TurnHandle {
  /** The turn's id (`turn_id`). */
  turnId: string;
  /** Other turns of the session whose results nobody has had yet. */
  uncollected: readonly string[];
}

/** What a result adds for a parsed reply, a review, or a fork. */
function extras(result: TurnResult): Record<string, unknown> {
  const added: Record<string, unknown> = {};
  if (result.parsed !== undefined) added.parsed = result.parsed;
  if (result.review !== undefined) {
    const review = result.review;
    added.findings = review.findings.map((finding) =>
      defined({
        title: finding.title,
        body: finding.body,
        priority: finding.priority,
        confidence: finding.confidence,
        file: finding.file,
        line_start: finding.lineStart,
        line_end: finding.lineEnd,
      })
    );
    Object.assign(
      added,
      defined({
        overall_correctness: review.overallCorrectness,
        overall_explanation: review.overallExplanation,
      }),
    );
  }
  if (result.forkedFrom !== undefined) added.forked_from = result.forkedFrom;
  return added;
}

/** The object without its `undefined` fields. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  );
}

/**
 * The result of a completed turn: the reply under `replyField`, the session
 * and usage, and text that ends with how to continue the session.
 *
 * @example
 * ```ts
 * import { turnResult } from "./results.ts";
 * turnResult("reply", { sessionId: "s1", reply: "Hi" }, 4_000_000).structuredContent;
 * // { session_id: "s1", status: "completed", reply: "Hi", activity: { commands: [], file_changes: [] } }
 * ```
 */
export function turnResult(
  replyField: ReplyField,
  result: TurnResult,
  maxReplyBytes: number,
  handle?: TurnHandle,
): CallToolResult {
  const reply = capText(result.reply, maxReplyBytes, result.sessionId);
  const activity = result.activity ?? newActivity();
  const structured: Record<string, unknown> = {
    session_id: result.sessionId,
    status: "completed",
    ...handleFields(handle),
    [replyField]: reply,
    ...extras(result),
    activity,
  };
  const did = activityLine(activity);
  if (result.usage !== undefined) structured.usage = pickUsage(result.usage);
  return {
    content: [{
      type: "text",
      text: `${reply}\n\n${did ? `${did}\n` : ""}status: completed\n${
        handleLines(handle)
      }${
        result.forkedFrom === undefined
          ? ""
          : `forked_from: ${result.forkedFrom}\n`
      }${sessionFooter(result.sessionId)}`,
    }],
    structuredContent: structured,
  };
}

/**
 * The result of a turn still running: what it is doing, and what to call
 * next.
 *
 * @example
 * ```ts
 * import { runningResult } from "./results.ts";
 * runningResult("s1", 12_000, "Running: npm test", { turnId: "turn-a-1", uncollected: [] })
 *   .structuredContent;
 * // { session_id: "s1", status: "running", turn_id: "turn-a-1", running_for_ms: 12000,
 * //   latest_progress: "Running: npm test" }
 * ```
 */
export function runningResult(
  sessionId: string,
  runningForMs: number,
  latestProgress: string | undefined,
  handle: TurnHandle,
): CallToolResult {
  const seconds = Math.round(runningForMs / 1000);
  return {
    content: [{
      type: "text",
      text:
        `status: running\nCodex is still working on session ${sessionId} (${seconds} s so far${
          latestProgress === undefined ? "" : `; latest: ${latestProgress}`
        }).\nNext: call codex_wait with session_id ${sessionId} and turn_id ${handle.turnId} to collect the reply (codex_cancel stops the turn).\n${
          handleLines(handle)
        }${sessionFooter(sessionId)}`,
    }],
    structuredContent: {
      session_id: sessionId,
      status: "running",
      ...handleFields(handle),
      running_for_ms: runningForMs,
      ...(latestProgress === undefined
        ? {}
        : { latest_progress: latestProgress }),
    },
  };
}

function handleFields(handle?: TurnHandle): Record<string, unknown> {
  if (handle === undefined) return {};
  return handle.uncollected.length === 0
    ? { turn_id: handle.turnId }
    : { turn_id: handle.turnId, uncollected_turn_ids: [...handle.uncollected] };
}

function handleLines(handle?: TurnHandle): string {
  if (handle === undefined) return "";
  return `turn_id: ${handle.turnId}\n${
    handle.uncollected.length === 0
      ? ""
      : `Other turns of this session have results nobody collected yet: ${
        handle.uncollected.join(", ")
      } (codex_wait with turn_id returns each).\n`
  }`;
}

function sessionFooter(sessionId: string): string {
  return `session_id: ${sessionId}\n(Pass this session_id to continue the conversation; a human can open it with: codex resume ${sessionId})`;
}

const USAGE_FIELDS = [
  "input_tokens",
  "cached_input_tokens",
  "cache_write_input_tokens",
  "output_tokens",
  "reasoning_output_tokens",
] as const;

function pickUsage(usage: Usage): Record<string, number> {
  const picked: Record<string, number> = {};
  for (const key of USAGE_FIELDS) {
    const value = usage[key];
    if (typeof value === "number") picked[key] = value;
  }
  return picked;
}

/**
 * A failed call as a tool result: a {@linkcode CodexError} with its kind,
 * session, hint and partial messages; anything else as a bug to report.
 *
 * @example
 * ```ts
 * import { errorResult } from "./results.ts";
 * import { CodexError } from "../../errors.ts";
 * errorResult("codex_chat", new CodexError("bad_input", "cwd is required."));
 * // { isError: true, content: [{ type: "text", text: "codex_chat failed (bad_input): cwd is required." }] }
 * ```
 */
export function errorResult(
  toolName: string,
  error: unknown,
  handle?: TurnHandle,
): CallToolResult {
  if (!(error instanceof CodexError)) {
    const message = error instanceof Error ? error.message : String(error);
    return textError(
      `${toolName} failed unexpectedly: ${message}\nPlease report this as a bug in codex-persistent-mcp.`,
    );
  }
  const lines = [`${toolName} failed (${error.kind}): ${error.message}`];
  if (error.sessionId !== undefined) {
    lines.push(`session_id: ${error.sessionId}`);
  }
  const turnLines = handleLines(handle);
  if (turnLines !== "") lines.push(turnLines.trimEnd());
  if (error.hint !== undefined) lines.push(`What to do: ${error.hint}`);
  if (error.partialMessages.length > 0) {
    lines.push(
      `Codex's messages before the end:\n${error.partialMessages.join("\n\n")}`,
    );
  }
  return textError(lines.join("\n"));
}

function textError(text: string): CallToolResult & { isError: true } {
  return { isError: true, content: [{ type: "text", text }] };
}

/**
 * Runs a tool's work and turns any failure into {@linkcode errorResult}.
 *
 * @example
 * ```ts
 * import { failuresAsResults } from "./results.ts";
 * await failuresAsResults("codex_sessions", () => {
 *   throw new Error("boom");
 * }); // { isError: true, … "codex_sessions failed unexpectedly: boom" … }
 * ```
 */
export async function failuresAsResults(
  toolName: string,
  run: () => Promise<CallToolResult>,
): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    return errorResult(toolName, error);
  }
}

/**
 * Arguments a tool's schema refuses, as a `bad_input` failure naming each
 * problem and where it is. Nothing has run.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { inputErrorResult } from "./results.ts";
 * const parsed = z.object({ n: z.number() }).safeParse({ n: "x" });
 * if (!parsed.success) inputErrorResult("codex_wait", parsed.error);
 * // { isError: true, … "codex_wait failed (bad_input): Invalid arguments: …" }
 * ```
 */
export function inputErrorResult(
  toolName: string,
  error: z.ZodError,
): CallToolResult {
  const problems = error.issues.map((issue) =>
    issue.path.length === 0
      ? issue.message
      : `${issue.message} (at ${issue.path.join(".")})`
  );
  return errorResult(
    toolName,
    new CodexError(
      "bad_input",
      `Invalid arguments: ${problems.join("; ")}`,
      { hint: "Fix the arguments named above and call again." },
    ),
  );
}
