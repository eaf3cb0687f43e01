/**
 * The turn tools: their names, input and output schemas, and how each builds
 * its prompt. No I/O here; `server.ts` hands their calls to the turn service.
 *
 * @module
 */

import { z } from "zod";
import { REASONING_EFFORTS } from "../codex/args.ts";
import { TIMEOUT_BOUNDS_MS } from "../config.ts";
import { nonEmpty, SESSION_ID_SCHEMA, wholeNumber } from "./fields.ts";
import { type ReplyField, turnOutputShape } from "./results.ts";

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
  model: z.string().regex(MODEL_PATTERN, {
    error:
      "model must be a model name such as gpt-5.1-codex (no spaces, not starting with '-')",
  }).optional().describe("Model for this call only (codex exec -m)."),
  reasoning_effort: z.enum(REASONING_EFFORTS, {
    error: `reasoning_effort must be one of: ${REASONING_EFFORTS.join(", ")}`,
  }).optional().describe(
    "Reasoning effort for this call only (model_reasoning_effort).",
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
    "Before finishing: send a change summary, test results and open questions to Codex for a final review. Returns session_id and the review.",
  inputShape: {
    ...COMMON_INPUT,
    change_summary: nonEmpty("change_summary").describe("What was changed."),
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
};

/**
 * Every tool the server exposes, including the older names
 * `codex_guard_plan` and `codex_guard_final` kept for existing clients.
 *
 * @example
 * ```ts
 * import { TOOL_DEFINITIONS } from "./turn_tools.ts";
 * TOOL_DEFINITIONS.map((tool) => tool.name);
 * // ["codex_chat", "codex_plan", "codex_review", "codex_guard_plan", "codex_guard_final"]
 * ```
 */
export const TOOL_DEFINITIONS: readonly ToolDefinition[] = [
  chat,
  plan,
  review,
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
