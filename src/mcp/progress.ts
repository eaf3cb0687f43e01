/**
 * Progress notifications for one tool call.
 *
 * @module
 */

import type {
  RequestId,
  ServerNotification,
} from "@modelcontextprotocol/sdk/types";

/** What a tool handler gets from the SDK besides its arguments. */
export interface CallContext {
  signal: AbortSignal;
  /** The JSON-RPC id of the call. */
  requestId: RequestId;
  /** The request's `_meta` (2026-07-28 clients send their envelope here). */
  _meta?: { progressToken?: string | number; [key: string]: unknown };
  sendNotification: (notification: ServerNotification) => Promise<void>;
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
 *   signal: new AbortController().signal,
 *   _meta: { progressToken: 1 },
 *   sendNotification: async (n) => console.log(n.params),
 * }, 10_000);
 * progress.report("Starting Codex");
 * progress.stop();
 * ```
 */
export function progressReporter(
  context: Pick<CallContext, "signal" | "_meta" | "sendNotification">,
  heartbeatMs: number,
): ProgressReporter {
  const token = context._meta?.progressToken;
  if (token === undefined) return { report() {}, stop() {} };
  const started = Date.now();
  let count = 0;
  let heartbeat: ReturnType<typeof setTimeout> | undefined;
  const send = (message: string): void => {
    count++;
    context.sendNotification({
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
