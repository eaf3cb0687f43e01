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

import { isRecord, parseJson, stringOrUndefined } from "../../json.ts";
import type { FileChangeItem } from "../events.ts";

const CHANGE_KINDS = ["add", "delete", "update"] as const;
/** What items and turns share of their statuses. */
const RUN_STATES = ["inProgress", "completed", "failed"] as const;
const ITEM_STATUSES = [...RUN_STATES, "declined"] as const;
/** The status of an app-server item (camelCase, unlike `codex exec`'s). */
export type AppServerItemStatus = typeof ITEM_STATUSES[number];

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
    durationMs?: number;
  }
  | {
    type: "fileChange";
    id: string;
    changes: FileChangeItem["changes"];
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

const TURN_STATUSES = [...RUN_STATES, "interrupted"] as const;
/** `TurnStatus`. */
export type AppServerTurnStatus = typeof TURN_STATUSES[number];

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
  | { kind: "request"; id: number | string; method: string; params: unknown }
  | { kind: "result"; id: number; result: unknown }
  | { kind: "error"; id: number; code?: number; message: string };

type JsonObject = Record<string, unknown>;

function count(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v) => typeof v === "string") : [];
}

/** `value` if it is one of `allowed`, else `fallback`. */
function oneOf<T extends string>(
  allowed: readonly T[],
  value: unknown,
  fallback: T,
): T {
  return allowed.find((option) => option === value) ?? fallback;
}

/**
 * Narrows one line from the app-server, or `undefined` for a line that is
 * not a message (blank, not JSON, not an object).
 *
 * @example
 * ```ts
 * import { parseAppServerLine } from "./protocol.ts";
 * parseAppServerLine('{"id":1,"result":{"thread":{"id":"t1"}}}');
 * // { kind: "result", id: 1, result: { thread: { id: "t1" } } }
 * ```
 */
export function parseAppServerLine(line: string): AppServerMessage | undefined {
  const value = parseJson(line);
  if (!isRecord(value)) return undefined;
  const method = stringOrUndefined(value.method);
  const id = value.id;
  if (method !== undefined) {
    if (typeof id === "number" || typeof id === "string") {
      return { kind: "request", id, method, params: value.params };
    }
    const params = isRecord(value.params) ? value.params : {};
    return { kind: "notification", notification: notification(method, params) };
  }
  if (typeof id !== "number") return undefined;
  if (isRecord(value.error)) {
    return {
      kind: "error",
      id,
      code: count(value.error.code),
      message: stringOrUndefined(value.error.message) ?? "error",
    };
  }
  return { kind: "result", id, result: value.result ?? {} };
}

function notification(
  method: string,
  params: JsonObject,
): AppServerNotification {
  const threadId = stringOrUndefined(params.threadId);
  const turn = isRecord(params.turn) ? params.turn : {};
  const other = { method: "other" as const, name: method, threadId };
  switch (method) {
    case "turn/started":
      return threadId === undefined
        ? other
        : { method, threadId, turnId: stringOrUndefined(turn.id) ?? "" };
    case "turn/completed": {
      const status = TURN_STATUSES.find((option) => option === turn.status);
      if (threadId === undefined || status === undefined) return other;
      const error = isRecord(turn.error) ? turn.error : {};
      return {
        method,
        threadId,
        turnId: stringOrUndefined(turn.id) ?? "",
        status,
        errorMessage: stringOrUndefined(error.message),
      };
    }
    case "item/started":
    case "item/completed":
      return threadId === undefined
        ? other
        : { method, threadId, item: item(params.item) };
    case "item/agentMessage/delta": {
      const itemId = stringOrUndefined(params.itemId);
      const delta = stringOrUndefined(params.delta);
      return threadId === undefined || itemId === undefined ||
          delta === undefined
        ? other
        : { method, threadId, itemId, delta };
    }
    case "thread/tokenUsage/updated": {
      const usage = isRecord(params.tokenUsage) ? params.tokenUsage : {};
      const last = isRecord(usage.last) ? usage.last : undefined;
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
      const error = isRecord(params.error) ? params.error : {};
      return {
        method,
        threadId,
        message: stringOrUndefined(error.message) ?? "error",
        willRetry: params.willRetry === true,
      };
    }
    default:
      return other;
  }
}

/** A `ThreadItem` of a type we read, or `undefined`. */
function item(value: unknown): AppServerItem | undefined {
  if (!isRecord(value)) return undefined;
  const field = (key: string): string => stringOrUndefined(value[key]) ?? "";
  const id = field("id");
  const status = oneOf(ITEM_STATUSES, value.status, "inProgress");
  switch (value.type) {
    case "agentMessage":
      return {
        type: "agentMessage",
        id,
        text: field("text"),
      };
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
          : field("command"),
        aggregatedOutput: stringOrUndefined(value.aggregatedOutput) ?? null,
        exitCode: count(value.exitCode) ?? null,
        status,
        durationMs: count(value.durationMs),
      };
    case "fileChange":
      return {
        type: "fileChange",
        id,
        changes: (Array.isArray(value.changes) ? value.changes : [])
          .filter(isRecord)
          .map((change) => {
            const kind = isRecord(change.kind) ? change.kind.type : change.kind;
            const diff = stringOrUndefined(change.diff);
            return {
              path: stringOrUndefined(change.path) ?? "",
              kind: oneOf(CHANGE_KINDS, kind, "update"),
              ...(diff ? { diff } : {}),
            };
          }),
        status,
      };
    case "mcpToolCall":
      return {
        type: "mcpToolCall",
        id,
        server: field("server"),
        tool: field("tool"),
        status,
      };
    case "webSearch":
      return {
        type: "webSearch",
        id,
        query: field("query"),
      };
    default:
      return undefined;
  }
}

/**
 * `result.thread.id` of a `thread/start` or `thread/resume` answer.
 *
 * @example
 * ```ts
 * import { threadIdOf } from "./protocol.ts";
 * threadIdOf({ thread: { id: "t1" } }); // "t1"
 * ```
 */
export function threadIdOf(result: unknown): string | undefined {
  return isRecord(result) && isRecord(result.thread)
    ? stringOrUndefined(result.thread.id)
    : undefined;
}

/**
 * `result.turn.id` of a `turn/start` answer.
 *
 * @example
 * ```ts
 * import { turnIdOf } from "./protocol.ts";
 * turnIdOf({ turn: { id: "u1" } }); // "u1"
 * ```
 */
export function turnIdOf(result: unknown): string | undefined {
  return isRecord(result) && isRecord(result.turn)
    ? stringOrUndefined(result.turn.id)
    : undefined;
}

/**
 * `result.userAgent` of an `initialize` answer ("codex_cli_rs/0.77.0 (…)").
 *
 * @example
 * ```ts
 * import { userAgentOf } from "./protocol.ts";
 * userAgentOf({ userAgent: "x/0.169.0" }); // "x/0.169.0"
 * ```
 */
export function userAgentOf(result: unknown): string | undefined {
  return isRecord(result) ? stringOrUndefined(result.userAgent) : undefined;
}
