/**
 * The turn tools: their names, input and output schemas, and the turn each
 * call asks for (its prompt, review target or fork). No I/O here: the
 * registry hands their calls to `calls/turn_calls.ts`.
 *
 * @module
 */

import { z } from "zod";
import { REASONING_EFFORTS, SANDBOX_MODES } from "../../codex/turn_options.ts";
import type { TurnCall } from "../../turns/service.ts";
import type { TurnToolCall } from "../calls/turn_calls.ts";
import { TIMEOUT_BOUNDS_MS } from "../../config.ts";
import { nonEmpty, SESSION_ID_SCHEMA, wholeNumber } from "./fields.ts";
import type { ReplyField } from "../calls/results.ts";
import { turnOutputShape } from "./turn_output.ts";
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

/** One turn tool: what it takes, what it returns, and the turn it asks for. */
export interface ToolDefinition<Shape extends z.ZodRawShape> {
  /** Tool name as clients call it. */
  name: string;
  /** One-line title. */
  title: string;
  /** What it is for, shown to the calling agent. */
  description: string;
  /** zod shape of the input. */
  inputShape: Shape;
  /** The output field that carries Codex's reply. */
  replyField: ReplyField;
  /** zod shape of the structured output. */
  outputShape: z.ZodRawShape;
  /**
   * The turn for parsed input; throws a `bad_input` CodexError for fields
   * that do not go together.
   */
  toCall(input: z.infer<z.ZodObject<Shape>>): TurnToolCall;
}

/** The turn fields every tool shares, from its parsed input. */
function commonCall(
  input: CommonInput,
  prompt: string,
  extras: Partial<TurnCall> = {},
): TurnToolCall {
  return {
    turn: {
      prompt,
      sessionId: input.session_id,
      cwd: input.cwd,
      model: input.model,
      reasoningEffort: input.reasoning_effort,
      timeoutMs: input.timeout_ms,
      sandbox: input.sandbox,
      images: input.images,
      outputSchema: input.output_schema,
      ...extras,
    },
    background: input.background === true,
  };
}

/**
 * A prompt of headed sections: a title line for the session preview (the
 * label and the first line of the first section), the instruction, then each
 * non-empty field under its heading.
 */
function sectionedPrompt<Field extends string>(
  label: string,
  instruction: string,
  sections: readonly [field: Field, heading: string][],
): (input: Partial<Record<Field, string>>) => string {
  return (input) => {
    const first = (input[sections[0][0]] ?? "").trim().split("\n")[0].trim();
    const title = first.length > 100 ? `${first.slice(0, 99)}…` : first;
    return `${label}: ${title}\n\n${instruction}` +
      sections.map(([field, heading]) => {
        const body = input[field];
        return body !== undefined && body.trim() !== ""
          ? `\n\n## ${heading}\n${body.trim()}`
          : "";
      }).join("");
  };
}

const CHAT_INPUT = {
  ...COMMON_INPUT,
  prompt: nonEmpty("prompt").describe("The message for Codex."),
};

const chat: ToolDefinition<typeof CHAT_INPUT> = {
  name: "codex_chat",
  title: "Ask Codex",
  description:
    "Send a message to Codex in a persistent Codex session (new, or continued with session_id). Returns session_id and Codex's reply; the user can open the same session with `codex resume <session_id>`.",
  inputShape: CHAT_INPUT,
  replyField: "reply",
  outputShape: turnOutputShape("reply"),
  toCall: (input) => commonCall(input, input.prompt),
};

const PLAN_INPUT = {
  ...COMMON_INPUT,
  requirements: nonEmpty("requirements").describe("What must be achieved."),
  plan: nonEmpty("plan").describe("The draft plan."),
  constraints: z.string().optional().describe(
    "Limits the plan must respect.",
  ),
};

const planPrompt = sectionedPrompt(
  "Plan critique",
  "Critique the draft plan below against the requirements: point out gaps, risks, open questions, and the tests it is missing.",
  [
    ["requirements", "Requirements"],
    ["plan", "Draft plan"],
    ["constraints", "Constraints"],
  ],
);

const plan: ToolDefinition<typeof PLAN_INPUT> = {
  name: "codex_plan",
  title: "Have Codex critique a plan",
  description:
    "Before implementing: send requirements and a draft plan to Codex for a critique (gaps, risks, open questions, missing tests). Returns session_id and the critique.",
  inputShape: PLAN_INPUT,
  replyField: "critique",
  outputShape: turnOutputShape("critique"),
  toCall: (input) => commonCall(input, planPrompt(input)),
};

const REVIEW_INPUT = {
  ...COMMON_INPUT,
  ...REVIEW_TARGET_INPUT,
  change_summary: nonEmpty("change_summary").optional().describe(
    "What was changed (required without target).",
  ),
  test_results: z.string().optional().describe(
    "Tests run and their results.",
  ),
  open_questions: z.string().optional().describe("What is still unsure."),
};

const reviewPrompt = sectionedPrompt(
  "Change review",
  "Review this change before it is called done: correctness, risks, missing tests, and anything left unfinished.",
  [
    ["change_summary", "Change summary"],
    ["test_results", "Test results"],
    ["open_questions", "Open questions"],
  ],
);

const review: ToolDefinition<typeof REVIEW_INPUT> = {
  name: "codex_review",
  title: "Have Codex review a finished change",
  description:
    "Before finishing: have Codex review the change. With target (uncommitted, base_branch, commit) Codex's own reviewer reads the diff and returns structured findings; without it, send a change summary, test results and open questions. Returns session_id and the review.",
  inputShape: REVIEW_INPUT,
  replyField: "review",
  outputShape: turnOutputShape("review"),
  toCall: (input) => {
    const target = reviewTargetOf(input);
    // Codex's reviewer writes its own prompt.
    return target === undefined
      ? commonCall(input, reviewPrompt(input))
      : commonCall(input, "", { review: target });
  },
};

const FORK_INPUT = {
  ...COMMON_INPUT,
  session_id: SESSION_ID_SCHEMA.describe("The session to fork."),
  prompt: z.string().optional().describe(
    "A message for the new session (omit to only copy the conversation).",
  ),
};

const fork: ToolDefinition<typeof FORK_INPUT> = {
  name: "codex_fork",
  title: "Fork a Codex session",
  description:
    "Make a new Codex session that carries the conversation of session_id so far, and optionally send it a prompt. The original session is untouched. Returns the new session_id, forked_from, and the reply when a prompt was given. Needs Codex 0.169.0 or newer.",
  inputShape: FORK_INPUT,
  replyField: "reply",
  outputShape: turnOutputShape("reply"),
  toCall: (input) =>
    commonCall(input, (input.prompt ?? "").trim(), { fork: true }),
};

/**
 * Every turn tool, each handed to `wrap` with its own input type: the older
 * names `codex_guard_plan` and `codex_guard_final` are kept for existing
 * clients.
 *
 * @example
 * ```ts
 * import { eachTurnTool } from "./turn_tools.ts";
 * eachTurnTool((tool) => tool.name);
 * // ["codex_chat", "codex_plan", "codex_review", "codex_fork", "codex_guard_plan", "codex_guard_final"]
 * ```
 */
export function eachTurnTool<T>(
  wrap: <Shape extends z.ZodRawShape>(definition: ToolDefinition<Shape>) => T,
): T[] {
  return [
    wrap(chat),
    wrap(plan),
    wrap(review),
    wrap(fork),
    wrap({
      ...plan,
      name: "codex_guard_plan",
      title: "Have Codex critique a plan (older name of codex_plan)",
    }),
    wrap({
      ...review,
      name: "codex_guard_final",
      title: "Have Codex review a finished change (older name of codex_review)",
    }),
  ];
}
