/**
 * Codex's approval requests put to the human: what the app-server asks
 * (`item/commandExecution/requestApproval` and its kin), turned into one
 * form question, and the human's answer turned back into what Codex
 * expects. Accepting approves that one request, never the session; anything
 * else declines it.
 *
 * @module
 */

import { isRecord, stringOrUndefined } from "../json.ts";

/** A form's fields, as MCP elicitation's form mode takes them. */
export interface FormSchema {
  /** Always an object of fields. */
  type: "object";
  /** The fields, by name: each a primitive JSON Schema. */
  properties: Record<string, Record<string, unknown>>;
  /** The fields the human must fill in. */
  required?: string[];
}

/** One question for the human: what Codex wants to do, where, and why. */
export interface ApprovalQuestion {
  /** What Codex asks to do. */
  kind: "command" | "file_change" | "permissions" | "mcp_elicitation";
  /** The form's text: the command (or files, permissions), where, why. */
  message: string;
  /** The form's fields. */
  requestedSchema: FormSchema;
}

/** The human's answer to a form (MCP's `ElicitResult`). */
export type HumanAnswer =
  | { action: "accept"; content?: Record<string, unknown> }
  | { action: "decline" | "cancel" };

/** The answer when no one answers: Codex may not do what it asked. */
export const DECLINE: HumanAnswer = { action: "decline" };

/**
 * Puts a question to the human and settles with the answer; `signal` aborts
 * when the answer is no longer wanted (the turn ended, the bound passed).
 */
export type AskHuman = (
  question: ApprovalQuestion,
  signal: AbortSignal,
) => Promise<HumanAnswer>;

/** What the turn knows besides the request (Codex 0.77.0 omits the command). */
export interface ApprovalContext {
  /** The commands and file changes the turn has started, by item id. */
  items: ReadonlyMap<string, string>;
  /** The turn's working directory. */
  cwd: string;
}

/** The form of an approval: one field, on by default. */
const APPROVE_FORM: FormSchema = {
  type: "object",
  properties: {
    approve: {
      type: "boolean",
      title: "Approve",
      description: "Allow Codex this one request",
      default: true,
    },
  },
  required: ["approve"],
};

/**
 * Characters that hide or reorder what a form shows: C0 and C1 controls,
 * line and paragraph separators, bidi controls, zero-width and other
 * invisible characters, and tag characters.
 */
const HIDDEN =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]|\udb40[\udc00-\udc7f]/g;

/**
 * `text` on one line and as it is: a command or reason (which the calling
 * AI can steer) cannot forge the form's "Where:" or "Why:" lines, nor show
 * one thing while meaning another. Each hidden character is written as
 * its `\uXXXX` escape; `escaped` counts them.
 */
function shown(text: string, escaped: { count: number }): string {
  return text.replace(HIDDEN, (char) => {
    escaped.count++;
    return char === "\n"
      ? "\\n"
      : char.split("").map((unit) =>
        `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`
      ).join("");
  });
}

/** The form's message: its lines, and a mark when anything was escaped. */
function formMessage(lines: string[], escaped: { count: number }): string {
  return [
    ...lines,
    ...(escaped.count === 0 ? [] : [
      `(${escaped.count} control, direction or invisible character${
        escaped.count === 1 ? " is" : "s are"
      } shown escaped as \\uXXXX.)`,
    ]),
  ].join("\n");
}

/**
 * The question for a request Codex sent, or `undefined` for one that is
 * not put to the human (it is declined as before).
 *
 * @example
 * ```ts
 * import { approvalQuestion } from "./approvals.ts";
 * const question = approvalQuestion(
 *   "item/commandExecution/requestApproval",
 *   { itemId: "c1", command: "touch /etc/x", cwd: "/repo", reason: "needs root" },
 *   { items: new Map(), cwd: "/repo" },
 * );
 * question?.message.split("\n")[0]; // "Codex asks to run a command outside its sandbox:"
 * ```
 */
export function approvalQuestion(
  method: string,
  params: unknown,
  context: ApprovalContext,
): ApprovalQuestion | undefined {
  if (!isRecord(params)) return undefined;
  const escaped = { count: 0 };
  const oneLine = (text: string): string => shown(text, escaped);
  const reason = stringOrUndefined(params.reason);
  const why = reason === undefined ? [] : [`Why: ${oneLine(reason)}`];
  const cwd = oneLine(stringOrUndefined(params.cwd) ?? context.cwd);
  const item = context.items.get(stringOrUndefined(params.itemId) ?? "");
  switch (method) {
    case "item/commandExecution/requestApproval":
    case "execCommandApproval": {
      const command = Array.isArray(params.command)
        ? params.command.map(String).join(" ")
        : stringOrUndefined(params.command) ?? item ??
          "(Codex did not say which command)";
      return {
        kind: "command",
        message: formMessage([
          "Codex asks to run a command outside its sandbox:",
          `Command: ${oneLine(command)}`,
          `Where: ${cwd}`,
          ...why,
        ], escaped),
        requestedSchema: APPROVE_FORM,
      };
    }
    case "item/fileChange/requestApproval":
    case "applyPatchApproval": {
      const files = isRecord(params.fileChanges)
        ? Object.keys(params.fileChanges).join(", ")
        : item ?? "(Codex did not say which files)";
      const root = stringOrUndefined(params.grantRoot);
      return {
        kind: "file_change",
        message: formMessage([
          "Codex asks to change files outside its sandbox:",
          `Files: ${oneLine(files)}`,
          `Where: ${root === undefined ? cwd : oneLine(root)}`,
          ...why,
        ], escaped),
        requestedSchema: APPROVE_FORM,
      };
    }
    case "item/permissions/requestApproval":
      return {
        kind: "permissions",
        message: formMessage([
          "Codex asks for more permissions for this turn:",
          `Permissions: ${oneLine(JSON.stringify(params.permissions ?? {}))}`,
          `Where: ${cwd}`,
          ...why,
        ], escaped),
        requestedSchema: APPROVE_FORM,
      };
    case "mcpServer/elicitation/request": {
      const schema = params.requestedSchema;
      if (params.mode !== "form" || !isRecord(schema)) return undefined;
      return {
        kind: "mcp_elicitation",
        message: formMessage([
          `Codex's MCP server ${
            oneLine(stringOrUndefined(params.serverName) ?? "(unnamed)")
          } asks: ${oneLine(stringOrUndefined(params.message) ?? "")}`,
        ], escaped),
        requestedSchema: {
          type: "object",
          properties: isRecord(schema.properties)
            ? schema.properties as FormSchema["properties"]
            : {},
          ...(Array.isArray(schema.required)
            ? { required: schema.required.map(String) }
            : {}),
        },
      };
    }
    default:
      return undefined;
  }
}

/**
 * A client's answer to a form (an `ElicitResult`, or a task's input
 * response) as a {@linkcode HumanAnswer}; anything malformed declines.
 *
 * @example
 * ```ts
 * import { humanAnswerOf } from "./approvals.ts";
 * humanAnswerOf({ action: "accept" }); // { action: "accept", content: {} }
 * humanAnswerOf("yes"); // { action: "decline" }
 * ```
 */
export function humanAnswerOf(response: unknown): HumanAnswer {
  if (!isRecord(response)) return { action: "decline" };
  if (response.action === "accept") {
    return {
      action: "accept",
      content: isRecord(response.content) ? response.content : {},
    };
  }
  return { action: response.action === "cancel" ? "cancel" : "decline" };
}

/**
 * Whether an answer approves: the human accepted, and did not switch the
 * form's one field off.
 */
function approves(answer: HumanAnswer): boolean {
  return answer.action === "accept" && answer.content?.approve !== false;
}

/**
 * What Codex gets back for `method` once the human has answered.
 *
 * @example
 * ```ts
 * import { codexAnswer } from "./approvals.ts";
 * codexAnswer("item/commandExecution/requestApproval", {}, { action: "decline" });
 * // { decision: "decline" }
 * ```
 */
export function codexAnswer(
  method: string,
  params: unknown,
  answer: HumanAnswer,
): Record<string, unknown> {
  const yes = approves(answer);
  switch (method) {
    case "execCommandApproval":
    case "applyPatchApproval":
      return { decision: yes ? "approved" : "denied" };
    case "item/permissions/requestApproval":
      return {
        // Granted fields are optional where requested ones may be null.
        permissions: yes && isRecord(params) && isRecord(params.permissions)
          ? Object.fromEntries(
            Object.entries(params.permissions).filter(([, v]) => v !== null),
          )
          : {},
        scope: "turn",
      };
    case "mcpServer/elicitation/request":
      return answer.action === "accept"
        ? { action: "accept", content: answer.content ?? {}, _meta: null }
        : { action: answer.action, content: null, _meta: null };
    default:
      return { decision: yes ? "accept" : "decline" };
  }
}
