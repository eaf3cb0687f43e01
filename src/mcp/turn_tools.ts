/**
 * The turn tools: their names, input and output schemas, and how each builds
 * its prompt. No I/O here; `server.ts` hands their calls to the turn service.
 *
 * @module
 */

import { z } from "zod";
import { REASONING_EFFORTS, SANDBOX_MODES } from "../codex/args.ts";
import type { TurnCall } from "../turns/service.ts";
import { TIMEOUT_BOUNDS_MS } from "../config.ts";
import { nonEmpty, SESSION_ID_SCHEMA, wholeNumber } from "./fields.ts";
import { type ReplyField, turnOutputShape } from "./results.ts";
import { REVIEW_TARGET_INPUT, reviewTargetOf } from "./review_target.ts";

/** At most this many images per call. */
const MAX_IMAGES = 10;

/** A model name: no leading dash (it would read as a flag), no spaces. */
const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/;

/** Fields every tool takes besides its own. */
const COMMON_INPUT = {
  session_id: SESSION_ID_SCHEMA.optional().describe(
    "Continue this Codex session (UUID from an earlier result). Omit to start a new session.",
  ),
  cwd: z.string().optional().describe(
    "Absolute path of the project directory Codex works in. Required for a new session; on resume defaults to the session's own directory.",
  ),
  model: z.string().max(200, {
    error: "model must be at most 200 characters",
  }).regex(MODEL_PATTERN, {
    error:
      "model must be a model name such as gpt-5.1-codex (no spaces, not starting with '-')",
  }).optional().describe("Model for this call only (codex exec -m)."),
  reasoning_effort: z.enum(REASONING_EFFORTS, {
    error: `reasoning_effort must be one of: ${REASONING_EFFORTS.join(", ")}`,
  }).optional().describe(
    "Reasoning effort for this call only (model_reasoning_effort).",
  ),
  sandbox: z.enum(SANDBOX_MODES, {
    error: `sandbox must be one of: ${SANDBOX_MODES.join(", ")}`,
  }).optional().describe(
    "What Codex may do for this call: read-only, workspace-write (edit files in cwd), danger-full-access. Bounded by the user's CODEX_PERSISTENT_MCP_MAX_SANDBOX (default workspace-write). Omit for the user's Codex configuration.",
  ),
  images: z.array(z.string(), { error: "images must be a list of paths" })
    .max(MAX_IMAGES, { error: `images takes at most ${MAX_IMAGES} files` })
    .optional().describe(
      "Absolute paths of local png, jpeg, gif or webp files Codex sees with the prompt.",
    ),
  output_schema: z.record(z.string(), z.unknown(), {
    error: "output_schema must be a JSON Schema object",
  }).optional().describe(
    "A JSON Schema (object) the reply must follow; the result then has parsed, the reply as JSON.",
  ),
  background: z.boolean().optional().describe(
    'Return at once with session_id and status "running" while Codex works; collect the reply later with codex_wait (codex_cancel stops it).',
  ),
  timeout_ms: wholeNumber(
    "timeout_ms",
    TIMEOUT_BOUNDS_MS.min,
    TIMEOUT_BOUNDS_MS.max,
    " (24 h)",
  ).optional().describe(
    "Stop Codex after this many milliseconds (default from CODEX_PERSISTENT_MCP_TIMEOUT_MS, 30 min).",
  ),
};

/** Input fields every tool shares, as parsed. */
export type CommonInput = z.infer<z.ZodObject<typeof COMMON_INPUT>>;

/** One tool: what it takes, what it returns, and the prompt it sends. */
export interface ToolDefinition {
  /** Tool name as clients call it. */
  name: string;
  /** One-line title. */
  title: string;
  /** What it is for, shown to the calling agent. */
  description: string;
  /** zod shape of the input. */
  inputShape: z.ZodRawShape;
  /** The output field that carries Codex's reply. */
  replyField: ReplyField;
  /** zod shape of the structured output. */
  outputShape: z.ZodRawShape;
  /** The prompt text (before the origin header) for parsed input. */
  buildPrompt(input: Record<string, unknown>): string;
  /**
   * What the call asks besides a prompt (a review target, a fork); throws a
   * `bad_input` CodexError for fields that do not go together.
   */
  callExtras?(input: Record<string, unknown>): Partial<TurnCall>;
}

/**
 * A prompt of headed sections: a title line for the session preview (the
 * label and the first line of the first section), the instruction, then each
 * non-empty field under its heading.
 */
function sectionedPrompt(
  label: string,
  instruction: string,
  sections: readonly [field: string, heading: string][],
): (input: Record<string, unknown>) => string {
  return (input) => {
    const first = String(input[sections[0][0]]).trim().split("\n")[0].trim();
    const title = first.length > 100 ? `${first.slice(0, 99)}…` : first;
    return `${label}: ${title}\n\n${instruction}` +
      sections.map(([field, heading]) => {
        const body = input[field];
        return typeof body === "string" && body.trim() !== ""
          ? `\n\n## ${heading}\n${body.trim()}`
          : "";
      }).join("");
  };
}

const chat: ToolDefinition = {
  name: "codex_chat",
  title: "Ask Codex",
  description:
    "Send a message to Codex in a persistent Codex session (new, or continued with session_id). Returns session_id and Codex's reply; the user can open the same session with `codex resume <session_id>`.",
  inputShape: {
    ...COMMON_INPUT,
    prompt: nonEmpty("prompt").describe("The message for Codex."),
  },
  replyField: "reply",
  outputShape: turnOutputShape("reply"),
  buildPrompt: (input) => String(input.prompt),
};

const plan: ToolDefinition = {
  name: "codex_plan",
  title: "Have Codex critique a plan",
  description:
    "Before implementing: send requirements and a draft plan to Codex for a critique (gaps, risks, open questions, missing tests). Returns session_id and the critique.",
  inputShape: {
    ...COMMON_INPUT,
    requirements: nonEmpty("requirements").describe("What must be achieved."),
    plan: nonEmpty("plan").describe("The draft plan."),
    constraints: z.string().optional().describe(
      "Limits the plan must respect.",
    ),
  },
  replyField: "critique",
  outputShape: turnOutputShape("critique"),
  buildPrompt: sectionedPrompt(
    "Plan critique",
    "Critique the draft plan below against the requirements: point out gaps, risks, open questions, and the tests it is missing.",
    [
      ["requirements", "Requirements"],
      ["plan", "Draft plan"],
      ["constraints", "Constraints"],
    ],
  ),
};

const review: ToolDefinition = {
  name: "codex_review",
  title: "Have Codex review a finished change",
  description:
    "Before finishing: have Codex review the change. With target (uncommitted, base_branch, commit) Codex's own reviewer reads the diff and returns structured findings; without it, send a change summary, test results and open questions. Returns session_id and the review.",
  inputShape: {
    ...COMMON_INPUT,
    ...REVIEW_TARGET_INPUT,
    change_summary: nonEmpty("change_summary").optional().describe(
      "What was changed (required without target).",
    ),
    test_results: z.string().optional().describe(
      "Tests run and their results.",
    ),
    open_questions: z.string().optional().describe("What is still unsure."),
  },
  replyField: "review",
  outputShape: turnOutputShape("review"),
  buildPrompt: sectionedPrompt(
    "Change review",
    "Review this change before it is called done: correctness, risks, missing tests, and anything left unfinished.",
    [
      ["change_summary", "Change summary"],
      ["test_results", "Test results"],
      ["open_questions", "Open questions"],
    ],
  ),
  callExtras: (input) => ({ review: reviewTargetOf(input) }),
};

const fork: ToolDefinition = {
  name: "codex_fork",
  title: "Fork a Codex session",
  description:
    "Make a new Codex session that carries the conversation of session_id so far, and optionally send it a prompt. The original session is untouched. Returns the new session_id, forked_from, and the reply when a prompt was given. Needs Codex 0.169.0 or newer.",
  inputShape: {
    ...COMMON_INPUT,
    session_id: SESSION_ID_SCHEMA.describe("The session to fork."),
    prompt: z.string().optional().describe(
      "A message for the new session (omit to only copy the conversation).",
    ),
  },
  replyField: "reply",
  outputShape: turnOutputShape("reply"),
  buildPrompt: (input) => String(input.prompt ?? "").trim(),
  callExtras: () => ({ fork: true }),
};

/**
 * Every tool the server exposes, including the older names
 * `codex_guard_plan` and `codex_guard_final` kept for existing clients.
 *
 * @example
 * ```ts
 * import { TOOL_DEFINITIONS } from "./turn_tools.ts";
 * TOOL_DEFINITIONS.map((tool) => tool.name);
 * // ["codex_chat", "codex_plan", "codex_review", "codex_fork", "codex_guard_plan", "codex_guard_final"]
 * ```
 */
export const TOOL_DEFINITIONS: readonly ToolDefinition[] = [
  chat,
  plan,
  review,
  fork,
  {
    ...plan,
    name: "codex_guard_plan",
    title: "Have Codex critique a plan (older name of codex_plan)",
  },
  {
    ...review,
    name: "codex_guard_final",
    title: "Have Codex review a finished change (older name of codex_review)",
  },
];
