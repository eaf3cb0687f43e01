/**
 * How one turn ended, for both backends: the limits that can end it (a
 * watchdog) and the result or error it comes to (a verdict).
 *
 * @module
 */

import { whenAborted } from "../abort.ts";
import type { Activity } from "../activity.ts";
import type { ReviewOutput } from "../store/rollout.ts";
import { CodexError, saysSessionLocked, sessionLocked } from "../errors.ts";
import type { Usage } from "./events.ts";
import type { TurnState } from "./turn.ts";

/** A completed turn. */
export interface TurnResult {
  /** The session the turn ran in. */
  sessionId: string;
  /** The last agent message. */
  reply: string;
  /** Token usage as Codex reports it. */
  usage?: Usage;
  /** The reply parsed as JSON (a turn with an output schema). */
  parsed?: unknown;
  /** Codex's structured review (a review turn). */
  review?: ReviewOutput;
  /** The session this one was forked from (a fork). */
  forkedFrom?: string;
  /** The commands Codex ran and the files it changed in this turn. */
  activity?: Activity;
}

/** Which limit ended a turn early. */
export type StopReason = "timeout" | "idle" | "cancelled";

/** The limits of one turn. */
export interface TurnLimits {
  /** End the turn after this long. */
  timeoutMs: number;
  /** End the turn when Codex sends nothing for this long. */
  idleTimeoutMs: number;
  /**
   * Ends the turn when aborted; a string reason says who stopped it
   * ("codex_cancel was called").
   */
  signal?: AbortSignal;
}

/**
 * Fires `onStop` once, with the first limit reached: the overall timeout, the
 * idle timeout (re-armed by {@linkcode TurnWatchdog.touch}), or cancellation.
 *
 * @example
 * ```ts
 * import { TurnWatchdog } from "./verdict.ts";
 * const watchdog = new TurnWatchdog({ timeoutMs: 60_000, idleTimeoutMs: 10_000 }, (reason) => {
 *   console.log("stopping:", reason);
 * });
 * watchdog.touch(); // Codex said something
 * watchdog.dispose();
 * ```
 */
export class TurnWatchdog {
  /** The limit that fired, if one did. */
  stopReason?: StopReason;
  /** When the turn started (ms since the epoch). */
  readonly startedAt: number = Date.now();
  readonly #limits: TurnLimits;
  readonly #onStop: (reason: StopReason) => void;
  readonly #overall: ReturnType<typeof setTimeout>;
  #idle: ReturnType<typeof setTimeout>;
  readonly #forgetAbort: () => void;

  /** Arms the limits. */
  constructor(limits: TurnLimits, onStop: (reason: StopReason) => void) {
    this.#limits = limits;
    this.#onStop = onStop;
    this.#overall = setTimeout(() => this.#stop("timeout"), limits.timeoutMs);
    this.#idle = setTimeout(() => this.#stop("idle"), limits.idleTimeoutMs);
    // Also when stopped while Codex was starting (a cancel, the shutdown).
    this.#forgetAbort = whenAborted(
      limits.signal,
      () => this.#stop("cancelled"),
    );
  }

  /** Codex showed a sign of life: re-arm the idle limit. */
  touch(): void {
    clearTimeout(this.#idle);
    this.#idle = setTimeout(
      () => this.#stop("idle"),
      this.#limits.idleTimeoutMs,
    );
  }

  /** Disarms everything. */
  dispose(): void {
    clearTimeout(this.#overall);
    clearTimeout(this.#idle);
    this.#forgetAbort();
  }

  #stop(reason: StopReason): void {
    if (this.stopReason !== undefined) return;
    this.stopReason = reason;
    this.#onStop(reason);
  }
}

/**
 * Who stopped a turn, in words: the abort reason when it is a string
 * ("codex_cancel was called"), else the client's cancel.
 */
function stoppedBy(signal: AbortSignal | undefined): string {
  return typeof signal?.reason === "string"
    ? signal.reason
    : "the client cancelled the call";
}

/** Throws the error for a turn a stopped signal ends before it starts. */
export function throwIfCancelled(
  signal: AbortSignal | undefined,
  sessionId: string | undefined,
): void {
  if (signal?.aborted) {
    throw new CodexError(
      "cancelled",
      `The turn was stopped before Codex started: ${stoppedBy(signal)}.`,
      { sessionId, hint: "The session can be continued with a new call." },
    );
  }
}

/** What a verdict needs besides the turn's state. */
export interface VerdictContext {
  /** The session the call asked to resume, if any. */
  requestedSessionId?: string;
  /** The turn's limits and watchdog. */
  limits: TurnLimits;
  watchdog: TurnWatchdog;
  /** Says how Codex ended when the turn did not finish ("exited with code 1…"). */
  describeEnd: () => Promise<string>;
}

/**
 * The result of a turn, or the {@linkcode CodexError} that says why it has
 * none: which limit fired and after how long, a different session than asked,
 * Codex's own failure message, or how Codex ended without finishing.
 *
 * @example
 * ```ts ignore
 * const result = await settleTurn(state, { limits, watchdog, describeEnd });
 * ```
 */
export async function settleTurn(
  state: TurnState,
  context: VerdictContext,
): Promise<TurnResult> {
  const { limits, watchdog, requestedSessionId } = context;
  const sessionId = state.threadId ?? requestedSessionId;
  const details = { sessionId, partialMessages: state.agentMessages };
  const elapsedMs = Date.now() - watchdog.startedAt;
  switch (watchdog.stopReason) {
    case "timeout":
      throw new CodexError(
        "timeout",
        `Codex timed out after ${elapsedMs} ms (timeout_ms=${limits.timeoutMs}) and was stopped.`,
        {
          ...details,
          hint: "Resume the session with a larger timeout_ms to continue.",
        },
      );
    case "idle":
      throw new CodexError(
        "idle",
        `Codex printed nothing for ${limits.idleTimeoutMs} ms (idle limit) and was stopped after ${elapsedMs} ms; the model endpoint may be hanging.`,
        {
          ...details,
          hint:
            "Check the model provider, then resume the session; raise CODEX_PERSISTENT_MCP_IDLE_TIMEOUT_MS if turns are legitimately silent for longer.",
        },
      );
    case "cancelled":
      throw new CodexError(
        "cancelled",
        `Codex was stopped after ${elapsedMs} ms: ${stoppedBy(limits.signal)}.`,
        { ...details, hint: "The session can be continued with a new call." },
      );
  }
  if (
    requestedSessionId !== undefined && state.threadId !== undefined &&
    state.threadId !== requestedSessionId
  ) {
    throw new CodexError(
      "session_mismatch",
      `Codex did not resume session ${requestedSessionId}: it started a different session ${state.threadId} instead (older Codex versions do this for ids they cannot find).`,
      {
        sessionId: requestedSessionId,
        partialMessages: state.agentMessages,
        hint:
          "Check the session_id, and that this server uses the same CODEX_HOME as the Codex that created it.",
      },
    );
  }
  if (state.outcome?.status === "failed") {
    throw new CodexError(
      "codex_failed",
      `The Codex turn failed: ${state.outcome.message}`,
      {
        ...details,
        hint:
          "Check the model, the provider and your Codex configuration; the session can be resumed once the cause is fixed.",
      },
    );
  }
  if (state.outcome?.status === "completed" && sessionId !== undefined) {
    return {
      sessionId,
      reply: state.agentMessages.at(-1) ?? "",
      usage: state.usage,
      activity: state.activity,
    };
  }
  const end = await context.describeEnd();
  if (requestedSessionId !== undefined && saysSessionLocked(end)) {
    throw sessionLocked(requestedSessionId, end);
  }
  throw new CodexError(
    "codex_exited",
    `Codex ${end}`,
    {
      ...details,
      hint:
        "Read Codex's message above; run the same request with the codex CLI by hand to see more.",
    },
  );
}
