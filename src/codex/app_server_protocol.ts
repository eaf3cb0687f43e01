/**
 * The part of the `codex app-server` protocol we read, typed, and the one
 * place its messages are narrowed from JSON. Copied from
 * `codex app-server generate-ts` (the `v2` types) of both pinned versions,
 * reduced to the fields we use. Where the versions differ:
 *
 * - 0.169.0 adds item times (`startedAtMs`, `completedAtMs`), more item types
 *   (`plan`, `hookPrompt`, `functionCallOutput`, …; we read none of them),
 *   `cacheWriteInputTokens` in token usage and `additionalDetails` in turn
 *   errors; 0.77.0 also sends legacy `codex/event/*` duplicates (ignored).
 * - Both declare `commandExecution.command` a string and a file change's
 *   `kind` an object (`{type: "add"}`); `codex exec --json` has the kind as
 *   a string. Older app-servers' shapes are accepted as well (an array
 *   command, a string kind), as one narrowing here.
 *
 * Messages are one JSON object per line without the `"jsonrpc"` field.
 *
 * @module
 */

/** The status of an app-server item (camelCase, unlike `codex exec`'s). */
export type AppServerItemStatus =
  | "inProgress"
  | "completed"
  | "failed"
  | "declined";

/** The items whose progress we report (`ThreadItem` in the protocol). */
export type AppServerItem =
  | { type: "agentMessage"; id: string; text: string }
  | { type: "reasoning"; id: string; summary: string[]; content: string[] }
  | {
    type: "commandExecution";
    id: string;
    command: string;
    aggregatedOutput: string | null;
    exitCode: number | null;
    status: AppServerItemStatus;
  }
  | {
    type: "fileChange";
    id: string;
    changes: { path: string; kind: "add" | "delete" | "update" }[];
    status: AppServerItemStatus;
  }
  | {
    type: "mcpToolCall";
    id: string;
    server: string;
    tool: string;
    status: AppServerItemStatus;
  }
  | { type: "webSearch"; id: string; query: string };

/** `TokenUsageBreakdown`: one turn's (`last`) token counts. */
export interface AppServerTokenUsage {
  inputTokens: number;
  cachedInputTokens?: number;
  /** 0.169.0 only. */
  cacheWriteInputTokens?: number;
  outputTokens: number;
  reasoningOutputTokens?: number;
}

/** `TurnStatus`. */
export type AppServerTurnStatus =
  | "completed"
  | "interrupted"
  | "failed"
  | "inProgress";

/** The notifications we act on, by method. */
export type AppServerNotification =
  | { method: "turn/started"; threadId: string; turnId: string }
  | {
    method: "turn/completed";
    threadId: string;
    turnId: string;
    status: AppServerTurnStatus;
    /** `turn.error.message`, set when the turn failed. */
    errorMessage?: string;
  }
  | {
    method: "item/started" | "item/completed";
    threadId: string;
    /** Absent for item types we do not read. */
    item?: AppServerItem;
  }
  | {
    method: "item/agentMessage/delta";
    threadId: string;
    itemId: string;
    delta: string;
  }
  | {
    method: "thread/tokenUsage/updated";
    threadId: string;
    last: AppServerTokenUsage;
  }
  | {
    method: "error";
    threadId?: string;
    message: string;
    /** Codex retries by itself (a transient failure). */
    willRetry: boolean;
  }
  /** Any other notification: a sign of life, nothing more. */
  | { method: "other"; name: string; threadId?: string };

/** One message from the app-server. */
export type AppServerMessage =
  | { kind: "notification"; notification: AppServerNotification }
  /** The server asks us something (approvals, user input). */
  | { kind: "request"; id: number | string; method: string }
  | { kind: "result"; id: number; result: unknown }
  | { kind: "error"; id: number; code?: number; message: string };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v) => typeof v === "string") : [];
}

const ITEM_STATUSES: ReadonlySet<string> = new Set([
  "inProgress",
  "completed",
  "failed",
  "declined",
]);
const TURN_STATUSES: ReadonlySet<string> = new Set([
  "completed",
  "interrupted",
  "failed",
  "inProgress",
]);
const CHANGE_KINDS: ReadonlySet<string> = new Set(["add", "delete", "update"]);

function itemStatus(value: unknown): AppServerItemStatus {
  const status = text(value);
  return status !== undefined && ITEM_STATUSES.has(status)
    ? status as AppServerItemStatus
    : "inProgress";
}

/**
 * Narrows one line from the app-server, or `undefined` for a line that is
 * not a message (blank, not JSON, not an object).
 *
 * @example
 * ```ts
 * import { parseAppServerLine } from "./app_server_protocol.ts";
 * parseAppServerLine('{"id":1,"result":{"thread":{"id":"t1"}}}');
 * // { kind: "result", id: 1, result: { thread: { id: "t1" } } }
 * ```
 */
export function parseAppServerLine(line: string): AppServerMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const method = text(value.method);
  const id = value.id;
  if (method !== undefined) {
    if (typeof id === "number" || typeof id === "string") {
      return { kind: "request", id, method };
    }
    const params = isObject(value.params) ? value.params : {};
    return { kind: "notification", notification: notification(method, params) };
  }
  if (typeof id !== "number") return undefined;
  if (isObject(value.error)) {
    return {
      kind: "error",
      id,
      code: count(value.error.code),
      message: text(value.error.message) ?? "error",
    };
  }
  return { kind: "result", id, result: value.result ?? {} };
}

function notification(
  method: string,
  params: JsonObject,
): AppServerNotification {
  const threadId = text(params.threadId);
  const turn = isObject(params.turn) ? params.turn : {};
  const other = { method: "other" as const, name: method, threadId };
  switch (method) {
    case "turn/started":
      return threadId === undefined
        ? other
        : { method, threadId, turnId: text(turn.id) ?? "" };
    case "turn/completed": {
      const status = text(turn.status) ?? "";
      if (threadId === undefined || !TURN_STATUSES.has(status)) return other;
      const error = isObject(turn.error) ? turn.error : {};
      return {
        method,
        threadId,
        turnId: text(turn.id) ?? "",
        status: status as AppServerTurnStatus,
        errorMessage: text(error.message),
      };
    }
    case "item/started":
    case "item/completed":
      return threadId === undefined
        ? other
        : { method, threadId, item: item(params.item) };
    case "item/agentMessage/delta": {
      const itemId = text(params.itemId);
      const delta = text(params.delta);
      return threadId === undefined || itemId === undefined ||
          delta === undefined
        ? other
        : { method, threadId, itemId, delta };
    }
    case "thread/tokenUsage/updated": {
      const usage = isObject(params.tokenUsage) ? params.tokenUsage : {};
      const last = isObject(usage.last) ? usage.last : undefined;
      return threadId === undefined || last === undefined ? other : {
        method,
        threadId,
        last: {
          inputTokens: count(last.inputTokens) ?? 0,
          cachedInputTokens: count(last.cachedInputTokens),
          cacheWriteInputTokens: count(last.cacheWriteInputTokens),
          outputTokens: count(last.outputTokens) ?? 0,
          reasoningOutputTokens: count(last.reasoningOutputTokens),
        },
      };
    }
    case "error": {
      const error = isObject(params.error) ? params.error : {};
      return {
        method,
        threadId,
        message: text(error.message) ?? "error",
        willRetry: params.willRetry === true,
      };
    }
    default:
      return other;
  }
}

/** A `ThreadItem` of a type we read, or `undefined`. */
function item(value: unknown): AppServerItem | undefined {
  if (!isObject(value)) return undefined;
  const id = text(value.id) ?? "";
  switch (value.type) {
    case "agentMessage":
      return { type: "agentMessage", id, text: text(value.text) ?? "" };
    case "reasoning":
      return {
        type: "reasoning",
        id,
        summary: strings(value.summary),
        content: strings(value.content),
      };
    case "commandExecution":
      return {
        type: "commandExecution",
        id,
        command: Array.isArray(value.command)
          ? strings(value.command).join(" ")
          : text(value.command) ?? "",
        aggregatedOutput: text(value.aggregatedOutput) ?? null,
        exitCode: count(value.exitCode) ?? null,
        status: itemStatus(value.status),
      };
    case "fileChange":
      return {
        type: "fileChange",
        id,
        changes: (Array.isArray(value.changes) ? value.changes : [])
          .filter(isObject)
          .map((change) => {
            const kind = isObject(change.kind)
              ? text(change.kind.type)
              : text(change.kind);
            return {
              path: text(change.path) ?? "",
              kind: (kind !== undefined && CHANGE_KINDS.has(kind)
                ? kind
                : "update") as "add" | "delete" | "update",
            };
          }),
        status: itemStatus(value.status),
      };
    case "mcpToolCall":
      return {
        type: "mcpToolCall",
        id,
        server: text(value.server) ?? "",
        tool: text(value.tool) ?? "",
        status: itemStatus(value.status),
      };
    case "webSearch":
      return { type: "webSearch", id, query: text(value.query) ?? "" };
    default:
      return undefined;
  }
}

/**
 * `result.thread.id` of a `thread/start` or `thread/resume` answer.
 *
 * @example
 * ```ts
 * import { threadIdOf } from "./app_server_protocol.ts";
 * threadIdOf({ thread: { id: "t1" } }); // "t1"
 * ```
 */
export function threadIdOf(result: unknown): string | undefined {
  return isObject(result) && isObject(result.thread)
    ? text(result.thread.id)
    : undefined;
}

/**
 * `result.turn.id` of a `turn/start` answer.
 *
 * @example
 * ```ts
 * import { turnIdOf } from "./app_server_protocol.ts";
 * turnIdOf({ turn: { id: "u1" } }); // "u1"
 * ```
 */
export function turnIdOf(result: unknown): string | undefined {
  return isObject(result) && isObject(result.turn)
    ? text(result.turn.id)
    : undefined;
}
