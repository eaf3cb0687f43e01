/**
 * The JSONL events `codex exec --json` prints, typed as discriminated unions.
 * Shapes checked against Codex 0.77.0 and 0.169.0; fields either version
 * leaves out are optional.
 *
 * @module
 */

import { parseJson } from "../json.ts";

/** Token usage of a turn (0.77.0: this turn; 0.169.0: running thread total). */
export interface Usage {
  input_tokens: number;
  cached_input_tokens?: number;
  cache_write_input_tokens?: number;
  output_tokens: number;
  reasoning_output_tokens?: number;
}

/** The final or intermediate reply of the agent. */
export interface AgentMessageItem {
  id: string;
  type: "agent_message";
  text: string;
}

/** A reasoning summary. */
export interface ReasoningItem {
  id: string;
  type: "reasoning";
  text: string;
}

/** A shell command Codex ran. */
export interface CommandExecutionItem {
  id: string;
  type: "command_execution";
  command: string;
  aggregated_output: string;
  exit_code: number | null;
  status: "in_progress" | "completed" | "failed" | "declined";
}

/** Files Codex changed with a patch. */
export interface FileChangeItem {
  id: string;
  type: "file_change";
  changes: { path: string; kind: "add" | "delete" | "update" }[];
  status: "in_progress" | "completed" | "failed";
}

/** A call Codex made to one of its own MCP servers. */
export interface McpToolCallItem {
  id: string;
  type: "mcp_tool_call";
  server: string;
  tool: string;
  status: "in_progress" | "completed" | "failed";
}

/** A web search. */
export interface WebSearchItem {
  id: string;
  type: "web_search";
  query: string;
}

/** Codex's own to-do list for the turn. */
export interface TodoListItem {
  id: string;
  type: "todo_list";
  items: { text: string; completed: boolean }[];
}

/** A non-fatal warning shown as an item. */
export interface ErrorItem {
  id: string;
  type: "error";
  message: string;
}

/** Every item type; unknown future types are kept with their raw `type`. */
export type ThreadItem =
  | AgentMessageItem
  | ReasoningItem
  | CommandExecutionItem
  | FileChangeItem
  | McpToolCallItem
  | WebSearchItem
  | TodoListItem
  | ErrorItem;

/** One line of `codex exec --json` output. */
export type ThreadEvent =
  | { type: "thread.started"; thread_id: string }
  | { type: "turn.started" }
  | { type: "turn.completed"; usage: Usage }
  | { type: "turn.failed"; error: { message: string } }
  | { type: "item.started"; item: ThreadItem }
  | { type: "item.updated"; item: ThreadItem }
  | { type: "item.completed"; item: ThreadItem }
  | { type: "error"; message: string };

const EVENT_TYPES: ReadonlySet<string> = new Set([
  "thread.started",
  "turn.started",
  "turn.completed",
  "turn.failed",
  "item.started",
  "item.updated",
  "item.completed",
  "error",
]);

/**
 * Parses one stdout line into an event. Returns `undefined` for blank lines,
 * non-JSON lines and event types we do not know, so a newer Codex that adds
 * events never breaks a call.
 *
 * @example
 * ```ts
 * import { parseEventLine } from "./events.ts";
 * parseEventLine('{"type":"thread.started","thread_id":"abc"}');
 * // → { type: "thread.started", thread_id: "abc" }
 * ```
 */
export function parseEventLine(line: string): ThreadEvent | undefined {
  if (!line.startsWith("{")) return undefined;
  const value = parseJson(line);
  if (
    typeof value !== "object" || value === null ||
    !EVENT_TYPES.has((value as { type?: unknown }).type as string)
  ) {
    return undefined;
  }
  return value as ThreadEvent;
}

/**
 * Whether an `error` event is one of Codex's own retries
 * (`Reconnecting... 1/5 …`) rather than a failure.
 *
 * @example
 * ```ts
 * import { isTransientError } from "./events.ts";
 * isTransientError("Reconnecting... 1/3 (busy)"); // true
 * ```
 */
export function isTransientError(message: string): boolean {
  return message.startsWith("Reconnecting...");
}
