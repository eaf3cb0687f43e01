/**
 * Errors as values with a kind, so the tool layer can turn each into one clear
 * message and clients can tell them apart.
 *
 * @module
 */

/** Why a call failed. */
export type CodexErrorKind =
  | "bad_input"
  | "not_allowed"
  | "busy"
  | "not_supported"
  | "reply_not_json"
  | "unknown_session"
  | "session_mismatch"
  | "codex_missing"
  | "codex_failed"
  | "codex_exited"
  | "timeout"
  | "idle"
  | "cancelled";

/** Details carried by a {@linkcode CodexError}. */
export interface CodexErrorDetails {
  /** The session the call belongs to, once one exists. */
  sessionId?: string;
  /** Agent messages that arrived before the call ended. */
  partialMessages?: string[];
  /** What the caller can do about it. */
  hint?: string;
}

/**
 * A failed call. `message` says what went wrong; `hint` what to do.
 *
 * @example
 * ```ts
 * import { CodexError } from "./errors.ts";
 * const error = new CodexError("timeout", "Codex timed out after 1000 ms", {
 *   sessionId: "0199…",
 *   hint: "Resume the session with a larger timeout_ms.",
 * });
 * error.kind; // "timeout"
 * ```
 */
export class CodexError extends Error {
  /** Why the call failed. */
  readonly kind: CodexErrorKind;
  /** The session the call belongs to, once one exists. */
  readonly sessionId?: string;
  /** Agent messages that arrived before the call ended. */
  readonly partialMessages: string[];
  /** What the caller can do about it. */
  readonly hint?: string;

  /** Creates the error. */
  constructor(
    kind: CodexErrorKind,
    message: string,
    details: CodexErrorDetails = {},
  ) {
    super(message);
    this.name = "CodexError";
    this.kind = kind;
    this.sessionId = details.sessionId;
    this.partialMessages = details.partialMessages ?? [];
    this.hint = details.hint;
  }
}

/**
 * The error for a session id that Codex's store does not hold.
 *
 * @example
 * ```ts
 * import { unknownSession } from "./errors.ts";
 * unknownSession("/home/me/.codex", "01a2…", "Check the id.").kind; // "unknown_session"
 * ```
 */
export function unknownSession(
  codexHome: string,
  sessionId: string,
  hint: string,
): CodexError {
  return new CodexError(
    "unknown_session",
    `Unknown session ${sessionId}: Codex's session store (${codexHome}/sessions) has no such session.`,
    { sessionId, hint },
  );
}
