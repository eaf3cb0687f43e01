/**
 * Turns a stream of Codex events into the outcome of one turn, and each event
 * into a short progress line. Pure: no I/O, unit-tested on recorded streams.
 *
 * @module
 */

import {
  type Activity,
  newActivity,
  recordCommand,
  recordFileChange,
} from "../activity.ts";
import {
  isTransientError,
  type ThreadEvent,
  type ThreadItem,
  type Usage,
} from "./events.ts";

/** What one turn has produced so far. */
export interface TurnState {
  /** `thread.started.thread_id`: the session id. */
  threadId?: string;
  /** Every `agent_message` text, in order; the last one is the reply. */
  agentMessages: string[];
  /** `turn.completed.usage`. */
  usage?: Usage;
  /** The commands Codex ran and the files it changed, bounded. */
  activity: Activity;
  /** Set when the turn ended: `completed`, or `failed` with Codex's message. */
  outcome?: { status: "completed" } | { status: "failed"; message: string };
}

/**
 * A fresh state for {@linkcode reduceTurn}.
 *
 * @example
 * ```ts
 * import { newTurnState } from "./turn.ts";
 * newTurnState().agentMessages; // []
 * ```
 */
export function newTurnState(): TurnState {
  return { agentMessages: [], activity: newActivity() };
}

/**
 * Folds one event into the state (mutating it, for speed on long turns) and
 * returns it.
 *
 * @example
 * ```ts
 * import { newTurnState, reduceTurn } from "./turn.ts";
 * const state = newTurnState();
 * reduceTurn(state, { type: "thread.started", thread_id: "t1" });
 * state.threadId; // "t1"
 * ```
 */
export function reduceTurn(state: TurnState, event: ThreadEvent): TurnState {
  switch (event.type) {
    case "thread.started":
      state.threadId = event.thread_id;
      break;
    case "item.completed":
      if (event.item.type === "agent_message") {
        state.agentMessages.push(event.item.text);
      } else recordItem(state.activity, event.item);
      break;
    case "turn.completed":
      state.usage = event.usage;
      state.outcome = { status: "completed" };
      break;
    case "turn.failed":
      state.outcome = { status: "failed", message: event.error.message };
      break;
  }
  return state;
}

/** A finished command or file change, into the turn's activity. */
function recordItem(activity: Activity, item: ThreadItem): void {
  switch (item.type) {
    case "command_execution":
      recordCommand(activity, {
        command: String(item.command ?? ""),
        exitCode: typeof item.exit_code === "number" ? item.exit_code : null,
        status: item.status ?? "completed",
        durationMs: item.duration_ms,
        output: item.aggregated_output,
      });
      break;
    case "file_change":
      // A patch that failed changed nothing.
      if (item.status === "failed") break;
      for (const change of item.changes ?? []) {
        recordFileChange(activity, {
          path: change.path,
          kind: change.kind,
          diff: change.diff,
        });
      }
      break;
  }
}

const MAX_PROGRESS_CHARS = 200;

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_PROGRESS_CHARS
    ? `${oneLine.slice(0, MAX_PROGRESS_CHARS - 1)}…`
    : oneLine;
}

/**
 * A short human-readable line for an event worth reporting as progress, or
 * `undefined` for events that say nothing new.
 *
 * @example
 * ```ts
 * import { describeEvent } from "./turn.ts";
 * describeEvent({ type: "turn.started" }); // "Codex started the turn"
 * ```
 */
export function describeEvent(event: ThreadEvent): string | undefined {
  switch (event.type) {
    case "turn.started":
      return "Codex started the turn";
    case "error":
      return isTransientError(event.message)
        ? clip(`Codex is retrying: ${event.message}`)
        : clip(`Codex reported: ${event.message}`);
    case "item.started":
    case "item.updated":
    case "item.completed":
      return describeItemEvent(event);
    default:
      return undefined;
  }
}

function describeItemEvent(
  event: Extract<ThreadEvent, { item: unknown }>,
): string | undefined {
  const { item } = event;
  const done = event.type === "item.completed";
  switch (item.type) {
    case "command_execution":
      if (event.type === "item.started") {
        return clip(`Running: ${item.command}`);
      }
      return done
        ? clip(`Command exited ${item.exit_code ?? "?"}: ${item.command}`)
        : undefined;
    case "file_change":
      return done
        ? clip(`Changed files: ${item.changes.map((c) => c.path).join(", ")}`)
        : undefined;
    case "reasoning":
      return done ? clip(`Reasoning: ${item.text}`) : undefined;
    case "todo_list": {
      const finished = item.items.filter((step) => step.completed).length;
      const next = item.items.find((step) => !step.completed);
      return clip(
        `Plan ${finished}/${item.items.length} done` +
          (next ? `; next: ${next.text}` : ""),
      );
    }
    case "mcp_tool_call":
      return event.type === "item.started"
        ? clip(`Calling MCP tool ${item.server}.${item.tool}`)
        : undefined;
    case "web_search":
      return done ? clip(`Web search: ${item.query}`) : undefined;
    case "agent_message":
      if (done) return clip(`Agent message (${item.text.length} chars)`);
      // Only the app-server backend streams replies: the draft's latest text.
      return event.type === "item.updated"
        ? clip(`Writing the reply: …${item.text}`)
        : undefined;
    default:
      return undefined;
  }
}
