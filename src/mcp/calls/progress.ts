/**
 * What one tool call is served with besides its input, and the progress
 * notifications it sends.
 *
 * @module
 */

import type { AskHuman } from "../../codex/approvals.ts";

/** A notification to the caller (progress). */
export interface CallNotification {
  method: "notifications/progress";
  params: {
    progressToken: string | number;
    progress: number;
    message: string;
  };
}

/**
 * One tool call as the handlers see it, whatever the protocol era: built
 * by the server from the SDK's request context.
 */
export interface CallScope {
  /** The protocol era of the call. */
  era: "2025" | "2026-07-28";
  /** Aborts when the client cancels the call or goes away. */
  signal: AbortSignal;
  /** The progress token the caller gave, if it asked for progress. */
  progressToken?: string | number;
  /** Sends a notification about this call to its client. */
  notify(notification: CallNotification): Promise<void>;
  /** The client declares the 2026-07-28 tasks extension on this request. */
  takesTasks: boolean;
  /**
   * How this call's client shows the human a form, if it can: `inBand`
   * (2026-07-28: the call answers `input_required`), or `push` (a 2025-era
   * client, asked with `elicitation/create` while the call waits).
   */
  forms?:
    | { kind: "inBand" }
    | { kind: "push"; ask: AskHuman };
  /**
   * The retry of a call answered `input_required`: the state it echoes
   * (verified by the SDK) and the client's answers.
   */
  retry?: { state: unknown; inputResponses: unknown };
}

/** Reports progress on one call until stopped. */
export interface ProgressReporter {
  report(message: string): void;
  stop(): void;
}

/**
 * Sends `notifications/progress` when the caller asked for progress (it
 * passed a progressToken): one per report, plus a heartbeat while Codex is
 * silent, so clients that reset their timeout on progress keep waiting.
 *
 * @example
 * ```ts
 * import { progressReporter } from "./progress.ts";
 * const progress = progressReporter({
 *   progressToken: 1,
 *   notify: async (n) => console.log(n.params),
 * }, 10_000);
 * progress.report("Starting Codex");
 * progress.stop();
 * ```
 */
export function progressReporter(
  scope: Pick<CallScope, "progressToken" | "notify">,
  heartbeatMs: number,
): ProgressReporter {
  const token = scope.progressToken;
  if (token === undefined) return { report() {}, stop() {} };
  const started = Date.now();
  let count = 0;
  let heartbeat: ReturnType<typeof setTimeout> | undefined;
  const send = (message: string): void => {
    count++;
    scope.notify({
      method: "notifications/progress",
      params: { progressToken: token, progress: count, message },
    }).catch(() => {});
  };
  const armHeartbeat = (): void => {
    clearTimeout(heartbeat);
    heartbeat = setTimeout(() => {
      send(`Codex is working (${Math.round((Date.now() - started) / 1000)} s)`);
      armHeartbeat();
    }, heartbeatMs);
  };
  armHeartbeat();
  return {
    report(message) {
      send(message);
      armHeartbeat();
    },
    stop() {
      clearTimeout(heartbeat);
    },
  };
}
