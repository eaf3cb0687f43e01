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
  /** Tokens read. */
  input_tokens: number;
  /** Of those, read from the provider's cache. */
  cached_input_tokens?: number;
  /** Of those, written to the provider's cache (0.169.0). */
  cache_write_input_tokens?: number;
  /** Tokens written. */
  output_tokens: number;
  /** Of those, spent reasoning. */
  reasoning_output_tokens?: number;
}

/** The final or intermediate reply of the agent. */
export interface AgentMessageItem {
  /** The item's id within the turn. */
  id: string;
  /** What kind of item it is. */
  type: "agent_message";
  /** Its text. */
  text: string;
}

/** A reasoning summary. */
export interface ReasoningItem {
  /** The item's id within the turn. */
  id: string;
  /** What kind of item it is. */
  type: "reasoning";
  /** Its text. */
  text: string;
}

/** A shell command Codex ran. */
export interface CommandExecutionItem {
  /** The item's id within the turn. */
  id: string;
  /** What kind of item it is. */
  type: "command_execution";
  /** The command line, as Codex ran it. */
  command: string;
  /** What it printed (stdout and stderr). */
  aggregated_output: string;
  /** Its exit code, once it has ended. */
  exit_code: number | null;
  /** Where it stands. */
  status: "in_progress" | "completed" | "failed" | "declined";
  /** How long it ran (the app-server says; exec does not). */
  duration_ms?: number;
}

/** Files Codex changed with a patch. */
export interface FileChangeItem {
  /** The item's id within the turn. */
  id: string;
  /** What kind of item it is. */
  type: "file_change";
  /** The files, how each changed, and the diff (the app-server gives it). */
  changes: { path: string; kind: "add" | "delete" | "update"; diff?: string }[];
  /** Where it stands. */
  status: "in_progress" | "completed" | "failed";
}

/** A call Codex made to one of its own MCP servers. */
export interface McpToolCallItem {
  /** The item's id within the turn. */
  id: string;
  /** What kind of item it is. */
  type: "mcp_tool_call";
  /** The MCP server's name in Codex's config. */
  server: string;
  /** The tool called. */
  tool: string;
  /** Where it stands. */
  status: "in_progress" | "completed" | "failed";
}

/** A web search. */
export interface WebSearchItem {
  /** The item's id within the turn. */
  id: string;
  /** What kind of item it is. */
  type: "web_search";
  /** What was searched for. */
  query: string;
}

/** Codex's own to-do list for the turn. */
export interface TodoListItem {
  /** The item's id within the turn. */
  id: string;
  /** What kind of item it is. */
  type: "todo_list";
  /** The entries, and whether each is done. */
  items: { text: string; completed: boolean }[];
}

/** A non-fatal warning shown as an item. */
export interface ErrorItem {
  /** The item's id within the turn. */
  id: string;
  /** What kind of item it is. */
  type: "error";
  /** What Codex says. */
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
