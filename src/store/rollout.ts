/**
 * The conversation inside a rollout file: one JSON record per line, written
 * by Codex 0.77.0 and 0.169.0 alike as `response_item` records. Pure.
 *
 * @module
 */

import { type OriginHeader, splitOriginHeader } from "../header.ts";
import { isRecord, parseJson, stringOrUndefined } from "../json.ts";
import type { Activity } from "../activity.ts";

/** One finding of Codex's reviewer. */
export interface ReviewFinding {
  /** One line. */
  title: string;
  /** The explanation. */
  body: string;
  /** 0 (highest) to 3, as Codex rates it. */
  priority?: number;
  /** Codex's confidence, 0 to 1. */
  confidence?: number;
  /** The file it is about. */
  file?: string;
  /** First line it is about. */
  lineStart?: number;
  /** Last line it is about. */
  lineEnd?: number;
}

/** What Codex's reviewer concluded, as its rollout records it. */
export interface ReviewOutput {
  /** Every finding, as Codex ordered them. */
  findings: ReviewFinding[];
  /** Codex's verdict on the change ("patch is correct", …). */
  overallCorrectness?: string;
  /** Why. */
  overallExplanation?: string;
  /** Codex's confidence in the verdict, 0 to 1. */
  overallConfidence?: number;
}

/** One message of a conversation. */
export interface ConversationMessage {
  /** Who wrote it: the user (or a calling agent), or Codex. */
  role: "user" | "agent";
  /** The text. */
  text: string;
  /** When Codex recorded it (ISO 8601), if it says. */
  timestamp?: string;
  /** On a user message: what Codex did in the turn it started. */
  activity?: Activity;
}

/**
 * The origin a thread's developer instructions carry (the app-server backend
 * records it there so the first message stays header-free).
 */
export interface OriginNote {
  role: "origin";
  header: OriginHeader;
}

/**
 * Codex sends its own context (environment, AGENTS.md, skills) and, on
 * 0.77.0, a warning when a patch came through the shell, as user messages
 * too; those are not part of the conversation.
 */
function isCodexContext(text: string): boolean {
  return text.startsWith("<") || text.startsWith("# AGENTS.md") ||
    text.startsWith("Warning: apply_patch was requested via shell");
}

/**
 * The message a rollout line records, the origin note of a developer message
 * that carries an origin header, or `undefined` for every other line
 * (metadata, events, context, lines that do not parse).
 *
 * @example
 * ```ts
 * import { parseRolloutLine } from "./rollout.ts";
 * parseRolloutLine(JSON.stringify({
 *   timestamp: "2026-11-23T23:53:30Z",
 *   type: "response_item",
 *   payload: { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
 * }));
 * // { role: "user", text: "hi", timestamp: "2026-11-23T23:53:30Z" }
 * ```
 */
export function parseRolloutLine(
  line: string,
): ConversationMessage | OriginNote | undefined {
  // Cheap filter first: a long session has many MB of other records.
  if (!line.includes('"response_item"') || !line.includes('"message"')) {
    return undefined;
  }
  const record = parseJson(line);
  if (!isRecord(record) || record.type !== "response_item") return undefined;
  const payload = record.payload;
  if (!isRecord(payload) || payload.type !== "message") return undefined;
  const text = (Array.isArray(payload.content) ? payload.content : [])
    .map((part) => isRecord(part) ? stringOrUndefined(part.text) ?? "" : "")
    .join("");
  if (payload.role === "developer") {
    const { header } = splitOriginHeader(text);
    return header === undefined ? undefined : { role: "origin", header };
  }
  if (payload.role !== "user" && payload.role !== "assistant") return undefined;
  if (payload.role === "user" && isCodexContext(text)) return undefined;
  return {
    role: payload.role === "user" ? "user" : "agent",
    text,
    timestamp: stringOrUndefined(record.timestamp),
  };
}

/**
 * The structured review a rollout line records when Codex leaves review
 * mode, or `undefined` for every other line. 0.77.0 writes an
 * `exited_review_mode` event (`payload.review_output`), 0.169.0 an
 * `ExitedReviewMode` item (`payload.item.review_output`).
 *
 * @example
 * ```ts
 * import { parseReviewOutputLine } from "./rollout.ts";
 * parseReviewOutputLine(JSON.stringify({
 *   type: "event_msg",
 *   payload: { type: "exited_review_mode", review_output: { findings: [] } },
 * }))?.findings; // []
 * ```
 */
export function parseReviewOutputLine(line: string): ReviewOutput | undefined {
  if (!line.includes('"review_output"')) return undefined;
  const record = parseJson(line);
  const payload = isRecord(record) && isRecord(record.payload)
    ? record.payload
    : {};
  const output = isRecord(payload.review_output)
    ? payload.review_output
    : isRecord(payload.item) && isRecord(payload.item.review_output)
    ? payload.item.review_output
    : undefined;
  if (output === undefined) return undefined;
  const findings = Array.isArray(output.findings) ? output.findings : [];
  return {
    findings: findings.filter(isRecord).map((finding) => {
      const location = isRecord(finding.code_location)
        ? finding.code_location
        : {};
      const range = isRecord(location.line_range) ? location.line_range : {};
      return {
        title: stringOrUndefined(finding.title) ?? "",
        body: stringOrUndefined(finding.body) ?? "",
        priority: numberOrUndefined(finding.priority),
        confidence: numberOrUndefined(finding.confidence_score),
        file: stringOrUndefined(location.absolute_file_path),
        lineStart: numberOrUndefined(range.start),
        lineEnd: numberOrUndefined(range.end),
      };
    }),
    overallCorrectness: stringOrUndefined(output.overall_correctness),
    overallExplanation: stringOrUndefined(output.overall_explanation),
    overallConfidence: numberOrUndefined(output.overall_confidence_score),
  };
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}
