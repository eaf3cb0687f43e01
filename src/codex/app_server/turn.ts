/**
 * One turn over an app-server connection: `turn/start`, then its
 * notifications as events, reduced to the turn's result; a limit that fires
 * interrupts the turn, then ends the process.
 *
 * @module
 */

import { withOriginHeader } from "../../header.ts";
import {
  type ApprovalContext,
  approvalQuestion,
  type AskHuman,
  codexAnswer,
} from "../approvals.ts";
import type { CodexPolicy, ReviewTarget } from "../turn_options.ts";
import {
  type AppServerConnection,
  AppServerRequestError,
  type ServerRequestAnswerer,
} from "./connection.ts";
import { newAppServerStream, toThreadEvent } from "./events.ts";
import { type AppServerNotification, turnIdOf } from "./protocol.ts";
import { CodexError } from "../../errors.ts";
import type { ThreadEvent } from "../events.ts";
import { describeExit } from "../process_exit.ts";
import { resumedSession } from "../session_intent.ts";
import type { TurnRequest } from "../turn_request.ts";
import { newTurnState, reduceTurn } from "../turn.ts";
import { settleTurn, type TurnResult, TurnWatchdog } from "../verdict.ts";

/** How long `turn/interrupt` may take before the process is killed. */
const INTERRUPT_TIMEOUT_MS = 2_000;

/**
 * Runs one turn on `threadId`, loaded in `connection`. Throws a
 * {@linkcode CodexError} for a turn that fails or is stopped; the caller
 * decides what becomes of the process afterwards.
 *
 * @example
 * ```ts ignore
 * const { reply } = await runAppServerTurn(connection, threadId, request);
 * ```
 */
export async function runAppServerTurn(
  connection: AppServerConnection,
  threadId: string,
  request: TurnRequest,
): Promise<TurnResult> {
  const state = newTurnState();
  const emit = (event: ThreadEvent): void => {
    reduceTurn(state, event);
    request.onEvent?.(event);
  };
  emit({ type: "thread.started", thread_id: threadId });
  let turnId: string | undefined;
  let finished!: () => void;
  // The turn ends with turn/completed, or with the process.
  const done = Promise.race([
    new Promise<void>((resolve) => finished = resolve),
    connection.exited,
  ]);
  const watchdog = new TurnWatchdog(request, () => {
    // Interrupt so the rollout ends cleanly, then end the process anyway.
    const interrupt = turnId === undefined
      ? Promise.resolve()
      : connection.request(
        "turn/interrupt",
        { threadId, turnId },
        INTERRUPT_TIMEOUT_MS,
      ).catch(() => {});
    interrupt.finally(() => connection.kill());
  });
  const stream = newAppServerStream();
  const items = new Map<string, string>();
  const approval: ApprovalContext = { items, cwd: request.cwd };
  const stopAnswering = request.askHuman === undefined
    ? () => {}
    : connection.answerRequests(
      humanAnswerer(request.askHuman, approval, watchdog, request.signal),
    );
  const unsubscribe = connection.subscribe((notification) => {
    if (
      notification.threadId !== undefined &&
      notification.threadId !== threadId
    ) {
      return;
    }
    watchdog.touch();
    rememberItem(items, notification);
    const event = toThreadEvent(notification, stream, Date.now());
    if (event !== undefined) emit(event);
    if (notification.method === "turn/completed") finished();
  });
  try {
    const started = await connection.request(
      ...startRequest(threadId, request),
    );
    turnId = turnIdOf(started);
    await done;
  } catch (error) {
    if (error instanceof AppServerRequestError && error.code !== undefined) {
      throw new CodexError(
        "codex_failed",
        `Codex refused the turn: ${error.message}`,
        { sessionId: threadId },
      );
    }
    // The process died or stopped answering: the verdict below says so.
  } finally {
    watchdog.dispose();
    unsubscribe();
    stopAnswering();
  }
  return await settleTurn(state, {
    requestedSessionId: resumedSession(request.session),
    limits: request,
    watchdog,
    describeEnd: async () => {
      if (connection.alive) {
        connection.kill();
        return "app-server stopped answering without finishing the turn.";
      }
      return `app-server ${
        describeExit(await connection.exited, await connection.stderrTail())
      }`;
    },
  });
}

/**
 * Puts each approval Codex asks for to the human (Codex waits meanwhile,
 * so its silence is no idle timeout).
 */
function humanAnswerer(
  askHuman: AskHuman,
  context: ApprovalContext,
  watchdog: TurnWatchdog,
  turnSignal: AbortSignal | undefined,
): ServerRequestAnswerer {
  const signal = turnSignal ?? new AbortController().signal;
  return async (method, params) => {
    const question = approvalQuestion(method, params, context);
    if (question === undefined) return undefined;
    const beat = setInterval(() => watchdog.touch(), 1_000);
    try {
      return codexAnswer(method, params, await askHuman(question, signal));
    } finally {
      clearInterval(beat);
      watchdog.touch();
    }
  };
}

/** Keeps what a started command or file change is, for its approval. */
function rememberItem(
  items: Map<string, string>,
  notification: AppServerNotification,
): void {
  if (notification.method !== "item/started") return;
  const { item } = notification;
  if (item?.type === "commandExecution") items.set(item.id, item.command);
  if (item?.type === "fileChange") {
    items.set(item.id, item.changes.map((change) => change.path).join(", "));
  }
}

/**
 * The request that starts the turn: `turn/start` with the prompt (and its
 * images) and this turn's overrides, or `review/start` for a review.
 */
function startRequest(
  threadId: string,
  request: TurnRequest,
): [method: string, params: Record<string, unknown>] {
  const { input } = request;
  if (input.kind === "review") {
    return ["review/start", {
      threadId,
      target: reviewTarget(input.target),
      delivery: "inline",
    }];
  }
  const prompt = input.kind === "prompt" ? input.text : "";
  // A new thread's instructions carry the header: its first message goes
  // without, for the picker's preview.
  const text = request.session.kind === "new"
    ? prompt
    : withOriginHeader(prompt, request.origin);
  return ["turn/start", {
    threadId,
    input: [
      { type: "text", text },
      ...(request.images ?? []).map((path) => ({ type: "localImage", path })),
    ],
    cwd: request.cwd,
    ...(request.model === undefined ? {} : { model: request.model }),
    ...(request.reasoningEffort === undefined
      ? {}
      : { effort: request.reasoningEffort }),
    ...(request.policy.byProfile
      ? {}
      : { sandboxPolicy: sandboxPolicy(request.policy) }),
    // Sticks to the thread: every turn says whether Codex may ask.
    approvalPolicy: request.askHuman === undefined ? "never" : "on-request",
    ...(request.outputSchema === undefined
      ? {}
      : { outputSchema: request.outputSchema }),
  }];
}

/**
 * The policy as the app-server's `SandboxPolicy`, every field given: a
 * turn's policy sticks to the thread, and the user's
 * `[sandbox_workspace_write]` settings are kept.
 */
function sandboxPolicy(
  { sandbox, workspaceWrite }: CodexPolicy,
): Record<string, unknown> {
  switch (sandbox) {
    case "read-only":
      return { type: "readOnly", networkAccess: false };
    case "workspace-write":
      return { type: "workspaceWrite", ...workspaceWrite };
    case "danger-full-access":
      return { type: "dangerFullAccess" };
  }
}

/** A review target as the app-server's `ReviewTarget`. */
function reviewTarget(target: ReviewTarget): Record<string, unknown> {
  switch (target.type) {
    case "uncommitted":
      return { type: "uncommittedChanges" };
    case "base_branch":
      return { type: "baseBranch", branch: target.branch };
    case "commit":
      return { type: "commit", sha: target.sha, title: target.title ?? null };
  }
}
