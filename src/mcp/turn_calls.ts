/**
 * One turn tool call, from its input to what the client gets: the turn
 * followed to its end; or handed off as running (`background`, or past
 * CODEX_PERSISTENT_MCP_HANDOFF_MS); or a task at once, for a client that
 * takes tasks; or `input_required` while Codex waits for the human, for a
 * 2026-07-28 call that is not a task, whose retry follows the same turn.
 *
 * @module
 */

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types";
import type { Config } from "../config.ts";
import type { RunningTurn } from "../turns/running_turn.ts";
import type { TurnService } from "../turns/service.ts";
import { humanAsker } from "./human.ts";
import type { InputRequiredCalls } from "./input_required.ts";
import { OpenQuestions } from "./open_questions.ts";
import { type CallContext, progressReporter } from "./progress.ts";
import { declaresTasks } from "./protocol_2026.ts";
import type { ReplacedAnswers } from "./replaced_answers.ts";
import { errorResult } from "./results.ts";
import type { TaskBoard } from "./tasks.ts";
import { collectResult, stillRunning } from "./turn_results.ts";
import type { RunTurnTool, TurnToolCall } from "./turn_tools.ts";

/** What turn tool calls are served with. */
export interface TurnCallDeps {
  turns: TurnService;
  config: Config;
  mcp: McpServer;
  tasks: TaskBoard;
  inputRequired: InputRequiredCalls;
  replaced: ReplacedAnswers;
}

/**
 * What the SDK sends for a call whose answer is replaced on the wire
 * (Protocol2026Transport): an error result is the one shape the SDK 1.x
 * passes without structured content.
 */
function placeholder(text: string): CallToolResult {
  return { content: [{ type: "text", text }], isError: true };
}

/**
 * Answers one turn tool call. Until the call ends the client's cancel
 * stops the turn; after a hand-off only codex_cancel does.
 *
 * @example
 * ```ts ignore
 * mcp.registerTool(name, spec, (input, context) =>
 *   runTurnTool(deps, tool, () => tool.toCall(input), context));
 * ```
 */
export async function runTurnTool(
  deps: TurnCallDeps,
  tool: Parameters<RunTurnTool>[0],
  toCall: () => TurnToolCall,
  context: CallContext,
): Promise<CallToolResult> {
  const { turns, config, mcp, tasks, inputRequired, replaced } = deps;
  let call: TurnToolCall;
  try {
    call = toCall();
    const held = inputRequired.resume(context._meta, tool.name);
    if (held !== undefined) {
      return await follow(deps, tool, held.turn, held.questions, context);
    }
  } catch (error) {
    return errorResult(tool.name, error);
  }
  const asTask = declaresTasks(context._meta);
  // Asked through only by a 2026-07-28 call that follows its turn.
  const questions = asTask || call.background ? undefined : new OpenQuestions();
  const askHuman = humanAsker({
    mcp,
    context,
    tasks,
    taskId: asTask ? () => turn.id : undefined,
    questions,
    timeoutMs: config.approvalTimeoutMs,
  });
  const turn = turns.start({ tool: tool.name, ...call.turn, askHuman });
  if (asTask) {
    replaced.replace(context.requestId, tasks.open(turn, tool));
    return placeholder(`Task ${turn.id}`);
  }
  if (questions === undefined) return await handOff(deps, tool, turn);
  return await follow(deps, tool, turn, questions, context);
}

/**
 * Follows `turn` for one request: its result once it settles; the hand-off
 * past CODEX_PERSISTENT_MCP_HANDOFF_MS; `input_required` as soon as one of
 * `questions` waits for the human.
 */
async function follow(
  deps: TurnCallDeps,
  tool: Parameters<RunTurnTool>[0],
  turn: RunningTurn,
  questions: OpenQuestions,
  context: CallContext,
): Promise<CallToolResult> {
  const { config, inputRequired } = deps;
  const progress = progressReporter(context, config.heartbeatMs);
  const unsubscribe = turn.subscribe(progress.report);
  const stop = (): void => turn.stop();
  context.signal.addEventListener("abort", stop);
  if (context.signal.aborted) stop();
  const handoffAt = config.handoffMs === undefined
    ? undefined
    : Date.now() + config.handoffMs;
  try {
    while (true) {
      const asked = new AbortController();
      const unwatch = questions.onAsked(() => asked.abort());
      if (questions.size > 0) asked.abort();
      const settled = await turn.settledWithin(
        handoffAt === undefined
          ? undefined
          : Math.max(0, handoffAt - Date.now()),
        asked.signal,
      ).finally(unwatch);
      if (settled || turn.outcome !== undefined) break;
      if (questions.size > 0) {
        inputRequired.ask(context.requestId, {
          turn,
          toolName: tool.name,
          questions,
        });
        return placeholder(`Input required on turn ${turn.id}`);
      }
      // A question answered as it came: keep following.
      if (!asked.signal.aborted) {
        // No request follows a handed-off turn: no one could answer.
        questions.close();
        return await handOff(deps, tool, turn);
      }
    }
  } finally {
    context.signal.removeEventListener("abort", stop);
    unsubscribe();
    progress.stop();
  }
  return await settledResult(deps, tool, turn);
}

/** Running, once Codex has named a new session; else the result. */
async function handOff(
  deps: TurnCallDeps,
  tool: Parameters<RunTurnTool>[0],
  turn: RunningTurn,
): Promise<CallToolResult> {
  const sessionId = await turn.named;
  if (turn.outcome === undefined && sessionId !== undefined) {
    return stillRunning(deps.turns, turn, sessionId);
  }
  return await settledResult(deps, tool, turn);
}

/** The settled turn's result, collected by this call. */
function settledResult(
  { turns, config }: TurnCallDeps,
  tool: Parameters<RunTurnTool>[0],
  turn: RunningTurn,
): Promise<CallToolResult> {
  return collectResult(
    turns,
    turn,
    tool.name,
    tool.replyField,
    config.maxReplyBytes,
  );
}
