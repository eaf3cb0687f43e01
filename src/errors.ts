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
  | "unknown_turn"
  | "session_locked"
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

/**
 * The error for a session another Codex process holds open for writing
 * (Codex 0.169.0 and newer lock a loaded session): resuming it here would
 * mean two writers.
 *
 * @example
 * ```ts
 * import { sessionLocked } from "./errors.ts";
 * sessionLocked("01a2…", "already has an active writer").kind; // "session_locked"
 * ```
 */
export function sessionLocked(
  sessionId: string,
  codexMessage: string,
): CodexError {
  return new CodexError(
    "session_locked",
    `Session ${sessionId} is open in another Codex process, which holds its writer lock, so it cannot be continued here now (Codex said: ${codexMessage}).`,
    {
      sessionId,
      hint:
        "The holder is one of: Codex's TUI (`codex resume` in a terminal), another codex-persistent-mcp server (its app-server keeps a session open for CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS after its last call), or a `codex exec` still running. Close or finish that one, then call again; or codex_fork the session to go on in a copy.",
    },
  );
}

/**
 * Whether Codex's message says another process holds the session's writer
 * lock.
 *
 * @example
 * ```ts
 * import { saysSessionLocked } from "./errors.ts";
 * saysSessionLocked("thread 01a2… already has an active writer"); // true
 * ```
 */
export function saysSessionLocked(message: string): boolean {
  return /active writer/i.test(message);
}
