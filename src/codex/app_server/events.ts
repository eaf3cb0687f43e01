/**
 * App-server notifications as the `codex exec --json` events they match, so
 * one reducer (turn.ts) and one progress describer serve both backends.
 * Pure: the clock comes in as an argument; unit-tested on notifications
 * recorded from both Codex versions.
 *
 * @module
 */

import type {
  AppServerItem,
  AppServerItemStatus,
  AppServerNotification,
} from "./protocol.ts";
import type { ThreadEvent, ThreadItem, Usage } from "../events.ts";

/** A streamed reply is reported at most this often. */
export const DRAFT_PROGRESS_MS = 1_000;
/** How much of a streamed reply's latest text a progress line shows. */
const DRAFT_TAIL_CHARS = 120;

/** What one turn's notifications add up to between events. */
export interface AppServerStream {
  /** The last token usage reported for the turn. */
  usage?: Usage;
  /** Agent messages being streamed, by item id. */
  drafts: Map<string, { tail: string; reportedAt: number }>;
}

/**
 * A fresh stream state for {@linkcode toThreadEvent}.
 *
 * @example
 * ```ts
 * import { newAppServerStream } from "./events.ts";
 * newAppServerStream().drafts.size; // 0
 * ```
 */
export function newAppServerStream(): AppServerStream {
  return { drafts: new Map() };
}

/**
 * The event a notification stands for, or `undefined` when it stands for
 * none (yet). A streamed reply (which exec never shows) becomes
 * `item.updated` events, at most one per {@linkcode DRAFT_PROGRESS_MS}, whose
 * text is the draft's end; token usage is kept for `turn.completed`.
 *
 * @example
 * ```ts
 * import { newAppServerStream, toThreadEvent } from "./events.ts";
 * toThreadEvent(
 *   { method: "turn/started", threadId: "t1", turnId: "u1" },
 *   newAppServerStream(),
 *   Date.now(),
 * ); // { type: "turn.started" }
 * ```
 */
export function toThreadEvent(
  notification: AppServerNotification,
  stream: AppServerStream,
  now: number,
): ThreadEvent | undefined {
  switch (notification.method) {
    case "turn/started":
      return { type: "turn.started" };
    case "item/started":
    case "item/completed": {
      if (notification.item === undefined) return undefined;
      return {
        type: notification.method === "item/started"
          ? "item.started"
          : "item.completed",
        item: toThreadItem(notification.item),
      };
    }
    case "error":
      return {
        type: "error",
        // exec marks Codex's own retries this way; keep one convention.
        message: notification.willRetry &&
            !notification.message.startsWith("Reconnecting...")
          ? `Reconnecting... ${notification.message}`
          : notification.message,
      };
    case "item/agentMessage/delta": {
      const id = notification.itemId;
      const draft = stream.drafts.get(id) ?? { tail: "", reportedAt: 0 };
      draft.tail = (draft.tail + notification.delta).slice(-DRAFT_TAIL_CHARS);
      stream.drafts.set(id, draft);
      if (now - draft.reportedAt < DRAFT_PROGRESS_MS) return undefined;
      draft.reportedAt = now;
      return {
        type: "item.updated",
        item: { type: "agent_message", id, text: draft.tail },
      };
    }
    case "thread/tokenUsage/updated": {
      const last = notification.last;
      stream.usage = {
        input_tokens: last.inputTokens,
        cached_input_tokens: last.cachedInputTokens,
        cache_write_input_tokens: last.cacheWriteInputTokens,
        output_tokens: last.outputTokens,
        reasoning_output_tokens: last.reasoningOutputTokens,
      };
      return undefined;
    }
    case "turn/completed":
      switch (notification.status) {
        case "completed":
          return {
            type: "turn.completed",
            usage: stream.usage ?? { input_tokens: 0, output_tokens: 0 },
          };
        case "failed":
          return {
            type: "turn.failed",
            error: {
              message: notification.errorMessage ?? "the turn failed",
            },
          };
        default:
          // Interrupted: our own stop, which the watchdog already names.
          return undefined;
      }
    case "other":
      return undefined;
  }
}

/** `inProgress` → `in_progress`, as exec spells it. */
function execStatus(
  status: AppServerItemStatus,
): "in_progress" | "completed" | "failed" | "declined" {
  return status === "inProgress" ? "in_progress" : status;
}

/** The same, for exec items that cannot be declined: declined means failed. */
function execOutcome(
  status: AppServerItemStatus,
): "in_progress" | "completed" | "failed" {
  const spelled = execStatus(status);
  return spelled === "declined" ? "failed" : spelled;
}

function toThreadItem(item: AppServerItem): ThreadItem {
  switch (item.type) {
    case "agentMessage":
      return { type: "agent_message", id: item.id, text: item.text };
    case "reasoning":
      return {
        type: "reasoning",
        id: item.id,
        text: [...item.summary, ...item.content].join("\n"),
      };
    case "commandExecution":
      return {
        type: "command_execution",
        id: item.id,
        command: item.command,
        aggregated_output: item.aggregatedOutput ?? "",
        exit_code: item.exitCode,
        status: execStatus(item.status),
        ...(item.durationMs === undefined
          ? {}
          : { duration_ms: item.durationMs }),
      };
    case "fileChange":
      return {
        type: "file_change",
        id: item.id,
        changes: item.changes,
        status: execOutcome(item.status),
      };
    case "mcpToolCall":
      return {
        type: "mcp_tool_call",
        id: item.id,
        server: item.server,
        tool: item.tool,
        status: execOutcome(item.status),
      };
    case "webSearch":
      return { type: "web_search", id: item.id, query: item.query };
  }
}
