/**
 * One turn tool call, from its input to what the client gets: the turn
 * followed to its end; or handed off as running (`background`, or past
 * CODEX_PERSISTENT_MCP_HANDOFF_MS); or a task at once, for a client that
 * takes tasks; or `input_required` while Codex waits for the human, for a
 * 2026-07-28 call that is not a task, whose retry follows the same turn.
 *
 * @module
 */

import type {
  CallToolResult,
  InputRequiredResult,
} from "@modelcontextprotocol/server";
import { whenAborted } from "../../abort.ts";
import type { AskHuman } from "../../codex/approvals.ts";
import type { Config } from "../../config.ts";
import type { RunningTurn } from "../../turns/running_turn.ts";
import type { TurnCall, TurnService } from "../../turns/service.ts";
import type { HeldCalls } from "./held_calls.ts";
import { OpenQuestions } from "./open_questions.ts";
import { type CallScope, progressReporter } from "./progress.ts";
import { errorResult, type ReplyField } from "./results.ts";
import { collectResult, stillRunning } from "./turn_results.ts";

/** A turn tool as its calls need it. */
export interface TurnToolInfo {
  name: string;
  replyField: ReplyField;
}

/** What a turn tool's call asks of the turn service, and how to answer. */
export interface TurnToolCall {
  /** The turn (the service adds the tool's name). */
  turn: Omit<TurnCall, "tool">;
  /** Answer at once with status running (`background: true`). */
  background: boolean;
}

/** A task's answer to the call that started it (`resultType: "task"`). */
export type TaskAnswer = Record<string, unknown> & { resultType: "task" };

/** Where turns become tasks (the tasks extension). */
export interface TaskOpener {
  /** Opens the task of `turn`; the answer to the call that started it. */
  open(turn: RunningTurn, tool: TurnToolInfo): TaskAnswer;
  /** How the task with this id asks the human: through `inputRequests`. */
  askerFor(taskId: string): AskHuman;
}

/** What a tool call can answer. */
export type TurnCallAnswer = CallToolResult | InputRequiredResult | TaskAnswer;

/** What turn tool calls are served with. */
export interface TurnCallDeps {
  turns: TurnService;
  config: Pick<Config, "heartbeatMs" | "handoffMs" | "maxReplyBytes">;
  tasks: TaskOpener;
  held: HeldCalls;
}

/**
 * Answers one turn tool call. Until the call ends the client's cancel
 * stops the turn; after a hand-off only codex_cancel does.
 *
 * @example
 * ```ts ignore
 * const answer = await runTurnTool(deps, tool, () => toCall(input), scope);
 * ```
 */
export async function runTurnTool(
  deps: TurnCallDeps,
  tool: TurnToolInfo,
  toCall: () => TurnToolCall,
  scope: CallScope,
): Promise<TurnCallAnswer> {
  let call: TurnToolCall;
  try {
    call = toCall();
    const held = deps.held.resume(scope.retry, tool.name);
    if (held !== undefined) {
      return await follow(deps, tool, held.turn, held.questions, scope);
    }
  } catch (error) {
    return errorResult(tool.name, error);
  }
  // No request follows a task or a background turn with questions.
  const questions = scope.takesTasks || call.background
    ? undefined
    : new OpenQuestions();
  const forms = scope.forms;
  const askHuman: AskHuman | undefined = scope.takesTasks
    ? (question, signal) => deps.tasks.askerFor(turn.id)(question, signal)
    : questions === undefined || forms === undefined
    ? undefined
    : forms.kind === "inBand"
    ? questions.asker()
    : forms.ask;
  const turn = deps.turns.start({ tool: tool.name, ...call.turn, askHuman });
  if (scope.takesTasks) return deps.tasks.open(turn, tool);
  if (questions === undefined) return await handOff(deps, tool, turn);
  return await follow(deps, tool, turn, questions, scope);
}

/**
 * Follows `turn` for one request: its result once it settles; the hand-off
 * past CODEX_PERSISTENT_MCP_HANDOFF_MS; `input_required` as soon as one of
 * `questions` waits for the human.
 */
async function follow(
  deps: TurnCallDeps,
  tool: TurnToolInfo,
  turn: RunningTurn,
  questions: OpenQuestions,
  scope: CallScope,
): Promise<CallToolResult | InputRequiredResult> {
  const { config } = deps;
  const progress = progressReporter(scope, config.heartbeatMs);
  const unsubscribe = turn.subscribe(progress.report);
  const forgetCancel = whenAborted(scope.signal, () => turn.stop());
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
        return await deps.held.hold({ turn, toolName: tool.name, questions });
      }
      // A question answered as it came: keep following.
      if (!asked.signal.aborted) {
        // No request follows a handed-off turn: no one could answer.
        questions.close();
        return await handOff(deps, tool, turn);
      }
    }
  } finally {
    forgetCancel();
    unsubscribe();
    progress.stop();
  }
  return await settledResult(deps, tool, turn);
}

/** Running, once Codex has named a new session; else the result. */
async function handOff(
  deps: TurnCallDeps,
  tool: TurnToolInfo,
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
  tool: TurnToolInfo,
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
