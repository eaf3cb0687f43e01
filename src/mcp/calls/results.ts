/**
 * Tool results: a turn's reply, and every failure in one format (what went
 * wrong, the session, what to do).
 *
 * @module
 */

import { newActivity } from "../../activity.ts";
import { ACTIVITY_OUTPUT, activityLine } from "./activity_output.ts";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { Usage } from "../../codex/events.ts";
import type { TurnResult } from "../../codex/verdict.ts";
import { CodexError } from "../../errors.ts";
import { capText } from "../../text_cap.ts";

/** The field that carries Codex's reply in a tool's result. */
export type ReplyField = "reply" | "critique" | "review";

/** Whether a turn's reply is in, or Codex is still working. */
export const TURN_STATUSES = ["completed", "running"] as const;

/** Which turn a result is for, and the session's other uncollected ones. */
export interface TurnHandle {
  /** The turn's id (`turn_id`). */
  turnId: string;
  /** Other turns of the session whose results nobody has had yet. */
  uncollected: readonly string[];
}

const USAGE_OUTPUT = z.object({
  input_tokens: z.number(),
  cached_input_tokens: z.number().optional(),
  cache_write_input_tokens: z.number().optional(),
  output_tokens: z.number(),
  reasoning_output_tokens: z.number().optional(),
}).optional().describe(
  "Token usage as Codex reports it (newer Codex versions report the running total of the session).",
);

/**
 * The structured output of a turn tool (and of codex_wait): the reply under
 * `replyField` once completed, how long it has run while running.
 *
 * @example
 * ```ts
 * import { turnOutputShape } from "./results.ts";
 * Object.keys(turnOutputShape("review")).includes("review"); // true
 * ```
 */
export function turnOutputShape(replyField: ReplyField): z.ZodRawShape {
  return {
    session_id: z.string().describe(
      "The Codex session; pass it back to continue, or run `codex resume <session_id>`.",
    ),
    status: z.enum(TURN_STATUSES).describe(
      "completed: the reply is here. running: Codex is still working; call codex_wait with this session_id and turn_id.",
    ),
    turn_id: z.string().optional().describe(
      "The turn this result is for; codex_wait and codex_cancel take it.",
    ),
    uncollected_turn_ids: z.array(z.string()).optional().describe(
      "Other turns of this session whose results nobody has collected yet; codex_wait with their turn_id returns each.",
    ),
    [replyField]: z.string().optional().describe(
      "Codex's final message of the turn (when completed).",
    ),
    usage: USAGE_OUTPUT,
    running_for_ms: z.number().optional().describe(
      "How long the turn has been running (when running).",
    ),
    latest_progress: z.string().optional().describe(
      "The turn's latest progress line (when running).",
    ),
    parsed: z.unknown().optional().describe(
      "The reply parsed as JSON (a call with output_schema).",
    ),
    findings: z.array(FINDING_OUTPUT).optional().describe(
      "Codex's review findings (codex_review with target).",
    ),
    overall_correctness: z.string().optional(),
    overall_explanation: z.string().optional(),
    forked_from: z.string().optional().describe(
      "The session this one was forked from (codex_fork).",
    ),
    activity: ACTIVITY_OUTPUT.optional(),
  };
}

const FINDING_OUTPUT = z.object({
  title: z.string(),
  body: z.string(),
  priority: z.number().optional(),
  confidence: z.number().optional(),
  file: z.string().optional(),
  line_start: z.number().optional(),
  line_end: z.number().optional(),
});

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
