/**
 * Every tool the server exposes, in one registry: each with its schemas as
 * `tools/list` shows them, and how a call is answered once its input has
 * parsed.
 *
 * @module
 */

import type { Tool, ToolAnnotations } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { Config } from "../../config.ts";
import type { SessionStore } from "../../store/session_store.ts";
import type { TurnService } from "../../turns/service.ts";
import type { CallScope } from "../calls/progress.ts";
import { failuresAsResults, inputErrorResult } from "../calls/results.ts";
import {
  runTurnTool,
  type TurnCallAnswer,
  type TurnCallDeps,
} from "../calls/turn_calls.ts";
import {
  listSessionsTool,
  readSessionTool,
  SESSION_READ_INPUT,
  SESSION_READ_OUTPUT,
  SESSIONS_INPUT,
  SESSIONS_OUTPUT,
} from "./session_tools.ts";
import { eachTurnTool } from "./turn_tools.ts";
import {
  CANCEL_INPUT,
  CANCEL_OUTPUT,
  cancelTool,
  WAIT_INPUT,
  WAIT_OUTPUT,
  waitTool,
} from "./wait_tools.ts";

/** One tool as the server serves it. */
export interface RegisteredTool {
  /** What `tools/list` shows. */
  readonly definition: Tool;
  /** The output schema as JSON (what the SDK projects results against). */
  readonly outputSchema: Record<string, unknown>;
  /** Answers a call with these arguments (checked here first). */
  answer(args: unknown, scope: CallScope): Promise<TurnCallAnswer>;
}

/** What the tools are answered with. */
export interface ToolDeps extends TurnCallDeps {
  turns: TurnService;
  store: SessionStore;
  config: Pick<
    Config,
    "heartbeatMs" | "handoffMs" | "maxReplyBytes"
  >;
}

/** How one tool is shown and what answers its parsed input. */
interface ToolSpec<Shape extends z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: Shape;
  output: z.ZodRawShape;
  annotations?: ToolAnnotations;
}

/** A tool whose input is parsed by its own schema before `answer` runs. */
function defineTool<Shape extends z.ZodRawShape>(
  spec: ToolSpec<Shape>,
  answer: (
    input: z.infer<z.ZodObject<Shape>>,
    scope: CallScope,
  ) => Promise<TurnCallAnswer>,
): RegisteredTool {
  const input = z.object(spec.input);
  const outputSchema = z.toJSONSchema(z.object(spec.output), {
    io: "output",
  });
  return {
    definition: {
      name: spec.name,
      title: spec.title,
      description: spec.description,
      inputSchema: z.toJSONSchema(input, { io: "input" }) as Tool[
        "inputSchema"
      ],
      outputSchema: outputSchema as Tool["outputSchema"],
      ...(spec.annotations === undefined
        ? {}
        : { annotations: spec.annotations }),
    },
    outputSchema,
    answer(args, scope) {
      const parsed = input.safeParse(args ?? {});
      return parsed.success
        ? answer(parsed.data, scope)
        : Promise.resolve(inputErrorResult(spec.name, parsed.error));
    },
  };
}

/**
 * The registry: the six turn tools and the four that read or stop what
 * runs, by name.
 *
 * @example
 * ```ts ignore
 * const tools = toolRegistry(deps);
 * tools.get("codex_chat")?.definition.title; // "Ask Codex"
 * ```
 */
export function toolRegistry(deps: ToolDeps): Map<string, RegisteredTool> {
  const { turns, store, config } = deps;
  const tools = [
    ...eachTurnTool((tool) =>
      defineTool(
        {
          name: tool.name,
          title: tool.title,
          description: tool.description,
          input: tool.inputShape,
          output: tool.outputShape,
        },
        (input, scope) =>
          runTurnTool(deps, tool, () => tool.toCall(input), scope),
      )
    ),
    defineTool({
      name: "codex_sessions",
      title: "List Codex sessions",
      description:
        "List sessions from Codex's own store, newest activity first: session_id, cwd, times, turn count, a preview of the first message, whether it came through MCP, whether a turn is running in this server (and its turn_id). Use it to find a session_id you lost. Filter by cwd (exact) and only_mcp; page with limit and cursor.",
      input: SESSIONS_INPUT,
      output: SESSIONS_OUTPUT,
      annotations: { readOnlyHint: true },
    }, (input) =>
      failuresAsResults(
        "codex_sessions",
        () => listSessionsTool(store, input, (id) => turns.runningTurnOf(id)),
      )),
    defineTool({
      name: "codex_wait",
      title: "Wait for a Codex turn",
      description:
        "Collect the result of a turn that is still running (started with background: true, or handed off as status \"running\"): the turn turn_id names, else the session's newest. Waits up to wait_ms (never past the server's hand-off), then returns the reply (status completed), the turn's error, or status running with how long it has run and its latest progress. With nothing running it returns the session's last reply. Cancelling this call stops only the wait.",
      input: WAIT_INPUT,
      output: WAIT_OUTPUT,
      annotations: { readOnlyHint: true },
    }, (input, scope) =>
      failuresAsResults(
        "codex_wait",
        () => waitTool(turns, store, config, input, scope),
      )),
    defineTool({
      name: "codex_cancel",
      title: "Stop a Codex turn",
      description:
        "Stop the running (and any queued) turns of a session, or only the one turn_id names: Codex is interrupted and ended. codex_wait then reports the cancellation; the session itself stays and can be continued.",
      input: CANCEL_INPUT,
      output: CANCEL_OUTPUT,
      annotations: { idempotentHint: true },
    }, (input) =>
      failuresAsResults(
        "codex_cancel",
        () => cancelTool(turns, store, input),
      )),
    defineTool({
      name: "codex_session_read",
      title: "Read a Codex session",
      description:
        "Read the conversation of one Codex session: user and Codex messages in order, the newest turns first page by page (pass next_cursor for older ones). Includes turns typed by hand in `codex resume`.",
      input: SESSION_READ_INPUT,
      output: SESSION_READ_OUTPUT,
      annotations: { readOnlyHint: true },
    }, (input) =>
      failuresAsResults(
        "codex_session_read",
        () => readSessionTool(store, config.maxReplyBytes, input),
      )),
  ];
  return new Map(tools.map((tool) => [tool.definition.name, tool]));
}
