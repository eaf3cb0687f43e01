/**
 * The structured output every turn tool (and codex_wait) declares: the
 * reply under its field once completed, how long the turn has run while
 * running, and what Codex did.
 *
 * @module
 */

import { z } from "zod";
import { ACTIVITY_OUTPUT } from "../calls/activity_output.ts";
import type { ReplyField } from "../calls/results.ts";

/** Whether a turn's reply is in, or Codex is still working. */
const TURN_STATUSES = ["completed", "running"] as const;

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
 * import { turnOutputShape } from "./turn_output.ts";
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
