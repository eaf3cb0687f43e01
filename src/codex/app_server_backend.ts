/**
 * The warm backend: turns through `codex app-server` instead of one
 * `codex exec` process per turn. Same session store, same rollout files.
 *
 * One app-server per active session, kept for a short idle window after the
 * session's last call and then closed: a loaded thread holds Codex's writer
 * lock (0.169.0) until its process exits, and two writers silently diverge
 * on 0.77.0, so the user's own `codex resume` must find the session free soon
 * after the agent stops using it. A warm process is reused only if nobody else
 * wrote to the session meanwhile (its rollout file has not changed).
 *
 * @module
 */

import { CodexError } from "../errors.ts";
import { originInstructions, withOriginHeader } from "../header.ts";
import { pathInfo, readTextFileIfExists } from "../runtime/fs.deno.ts";
import { ExecutableNotFoundError } from "../runtime/types.ts";
import {
  AppServerConnection,
  type AppServerNotification,
  AppServerRequestError,
} from "./app_server.ts";
import type { ThreadEvent, ThreadItem, Usage } from "./events.ts";
import type { TurnRequest } from "./runner.ts";
import { findRolloutFile } from "./store.ts";
import { newTurnState, reduceTurn } from "./turn.ts";
import {
  describeExit,
  settleTurn,
  throwIfCancelled,
  type TurnResult,
  TurnWatchdog,
} from "./verdict.ts";

/**
 * The app-server could not serve this call (it would not start, or broke
 * before the turn began): the caller runs the turn with `codex exec` instead.
 */
export class AppServerUnavailableError extends Error {
  /** Creates the error. */
  constructor(reason: string) {
    super(reason);
    this.name = "AppServerUnavailableError";
  }
}

/** Settings of the warm backend. */
export interface AppServerBackendOptions {
  codexBin: string;
  codexHome: string;
  /** Becomes the `originator` of sessions it creates. */
  clientName: string;
  clientVersion: string;
  /** Close a session's app-server this long after its last call. */
  idleReleaseMs: number;
  /** At most this many sessions stay warm; the least recently used goes first. */
  maxWarm: number;
  /** Every app-server request fails after this long without an answer. */
  requestTimeoutMs: number;
}

interface WarmSession {
  connection: AppServerConnection;
  /** Per-turn overrides stick to an app-server thread: what this one has. */
  model?: string;
  effort?: string;
  /** The rollout's size after our last turn; a change means another writer. */
  rolloutSize?: number;
  releaseTimer: ReturnType<typeof setTimeout>;
}

/** How long `turn/interrupt` may take before the process is killed. */
const INTERRUPT_TIMEOUT_MS = 2_000;
/** A streamed reply is reported at most this often. */
const DRAFT_PROGRESS_MS = 1_000;
/** How much of a streamed reply's latest text a progress line shows. */
const DRAFT_TAIL_CHARS = 120;

/** What a turn's notifications add up to between events. */
interface StreamState {
  /** The last turn's token usage. */
  usage?: Usage;
  /** Agent messages being streamed, by item id. */
  drafts: Map<string, { tail: string; reportedAt: number }>;
}

/**
 * Runs turns through warm `codex app-server` processes.
 *
 * @example
 * ```ts ignore
 * const backend = new AppServerBackend({ codexBin: "codex", codexHome: "/home/me/.codex",
 *   clientName: "codex-persistent-mcp", clientVersion: "0.1.0",
 *   idleReleaseMs: 30_000, maxWarm: 4, requestTimeoutMs: 30_000 });
 * const { sessionId, reply } = await backend.runTurn({ ...request });
 * await backend.closeAll();
 * ```
 */
export class AppServerBackend {
  readonly #options: AppServerBackendOptions;
  readonly #warm = new Map<string, WarmSession>();
  readonly #busy = new Set<AppServerConnection>();

  /** Creates the backend; no process starts until the first turn. */
  constructor(options: AppServerBackendOptions) {
    this.#options = options;
  }

  /**
   * Runs one turn. Throws a {@linkcode CodexError} for failures of the turn,
   * or an {@linkcode AppServerUnavailableError} when the app-server itself
   * could not serve (the caller falls back to `codex exec`).
   */
  async runTurn(request: TurnRequest): Promise<TurnResult> {
    throwIfCancelled(request.signal, request.sessionId);
    const { connection, threadId } = await this.#connect(request);
    this.#busy.add(connection);
    try {
      const result = await this.#turn(connection, threadId, request);
      await this.#park(threadId, connection, request);
      return result;
    } catch (error) {
      // After a failed or stopped turn start clean next time.
      await connection.close();
      throw error;
    } finally {
      this.#busy.delete(connection);
    }
  }

  /** Closes every app-server (at shutdown). */
  async closeAll(): Promise<void> {
    const connections = [
      ...this.#busy,
      ...[...this.#warm.values()].map((warm) => warm.connection),
    ];
    for (const warm of this.#warm.values()) clearTimeout(warm.releaseTimer);
    this.#warm.clear();
    await Promise.all(connections.map((connection) => connection.close()));
  }

  /** A warm process for the session, or a new one with the thread loaded. */
  async #connect(
    request: TurnRequest,
  ): Promise<{ connection: AppServerConnection; threadId: string }> {
    const sessionId = request.sessionId;
    if (sessionId !== undefined) {
      const warm = await this.#takeWarm(sessionId, request);
      if (warm !== undefined) return { connection: warm, threadId: sessionId };
    }
    let connection: AppServerConnection;
    try {
      connection = await AppServerConnection.start({
        codexBin: this.#options.codexBin,
        clientName: this.#options.clientName,
        clientVersion: this.#options.clientVersion,
        requestTimeoutMs: this.#options.requestTimeoutMs,
        env: request.env,
      });
    } catch (error) {
      if (error instanceof ExecutableNotFoundError) {
        throw new AppServerUnavailableError(error.message);
      }
      throw new AppServerUnavailableError(
        `codex app-server did not start: ${(error as Error).message}`,
      );
    }
    const threadParams = {
      approvalPolicy: "never",
      sandbox: await this.#sandboxMode(),
    };
    try {
      const { thread } = await connection.request<{ thread: { id: string } }>(
        sessionId === undefined ? "thread/start" : "thread/resume",
        sessionId === undefined
          ? {
            ...threadParams,
            cwd: request.cwd,
            // Keeps the first message, the picker's preview, header-free.
            developerInstructions: originInstructions(request.origin),
          }
          : { ...threadParams, threadId: sessionId },
      );
      if (sessionId !== undefined && thread.id !== sessionId) {
        throw new CodexError(
          "session_mismatch",
          `Codex did not resume session ${sessionId}: it loaded ${thread.id} instead.`,
          {
            sessionId,
            hint:
              "Check the session_id, and that this server uses the same CODEX_HOME as the Codex that created it.",
          },
        );
      }
      return { connection, threadId: thread.id };
    } catch (error) {
      await connection.close();
      if (error instanceof CodexError) throw error;
      if (error instanceof AppServerRequestError && error.code !== undefined) {
        throw new CodexError(
          sessionId === undefined ? "codex_failed" : "unknown_session",
          `Codex could not ${
            sessionId === undefined
              ? "start a session"
              : `load session ${sessionId}`
          }: ${error.message}`,
          {
            sessionId,
            hint: sessionId === undefined
              ? "Check your Codex configuration."
              : "Check the session_id; `codex resume <id>` shows whether Codex can open it.",
          },
        );
      }
      throw new AppServerUnavailableError(
        `codex app-server broke while loading the thread: ${
          (error as Error).message
        }`,
      );
    }
  }

  /** The warm process of a session, if it can serve this request. */
  async #takeWarm(
    sessionId: string,
    request: TurnRequest,
  ): Promise<AppServerConnection | undefined> {
    const warm = this.#warm.get(sessionId);
    if (warm === undefined) return undefined;
    this.#warm.delete(sessionId);
    clearTimeout(warm.releaseTimer);
    const overridesFit =
      (request.model !== undefined || warm.model === undefined) &&
      (request.reasoningEffort !== undefined || warm.effort === undefined);
    const untouched = warm.rolloutSize === await this.#rolloutSize(sessionId);
    if (warm.connection.alive && overridesFit && untouched) {
      return warm.connection;
    }
    await warm.connection.close();
    return undefined;
  }

  /**
   * Keeps a process warm for the idle window, then closes it; past
   * `maxWarm` warm sessions, the least recently used one closes now.
   */
  async #park(
    threadId: string,
    connection: AppServerConnection,
    request: TurnRequest,
  ): Promise<void> {
    const warm: WarmSession = {
      connection,
      model: request.model,
      effort: request.reasoningEffort,
      rolloutSize: await this.#rolloutSize(threadId),
      releaseTimer: setTimeout(() => {
        if (this.#warm.get(threadId) === warm) this.#warm.delete(threadId);
        connection.close();
      }, this.#options.idleReleaseMs),
    };
    // Map order is park order: the first entry is the least recently used.
    this.#warm.delete(threadId);
    this.#warm.set(threadId, warm);
    for (const [id, oldest] of this.#warm) {
      if (this.#warm.size <= this.#options.maxWarm) break;
      this.#warm.delete(id);
      clearTimeout(oldest.releaseTimer);
      oldest.connection.close();
    }
  }

  async #turn(
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
    const done = new Promise<void>((resolve) => finished = resolve);
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
    const stream: StreamState = { drafts: new Map() };
    const unsubscribe = connection.subscribe((notification) => {
      if (notification.method === "codex-persistent-mcp/exited") {
        finished();
        return;
      }
      const params = notification.params;
      if (params?.threadId !== undefined && params.threadId !== threadId) {
        return;
      }
      watchdog.touch();
      const event = toThreadEvent(notification, stream);
      if (event !== undefined) emit(event);
      if (notification.method === "turn/completed") finished();
    });
    try {
      const started = await connection.request<{ turn: { id: string } }>(
        "turn/start",
        {
          threadId,
          input: [{
            type: "text",
            text: request.sessionId === undefined
              ? request.prompt
              : withOriginHeader(request.prompt, request.origin),
          }],
          cwd: request.cwd,
          ...(request.model === undefined ? {} : { model: request.model }),
          ...(request.reasoningEffort === undefined
            ? {}
            : { effort: request.reasoningEffort }),
        },
      );
      turnId = started.turn.id;
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
    }
    return await settleTurn(state, {
      requestedSessionId: request.sessionId,
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

  async #rolloutSize(sessionId: string): Promise<number | undefined> {
    const path = await findRolloutFile(this.#options.codexHome, sessionId);
    return path === undefined ? undefined : (await pathInfo(path))?.size;
  }

  /** The sandbox Codex would use for `codex exec`: config.toml's, else read-only. */
  async #sandboxMode(): Promise<string> {
    const config = await readTextFileIfExists(
      `${this.#options.codexHome}/config.toml`,
    );
    return config?.match(/^\s*sandbox_mode\s*=\s*"([a-z-]+)"/m)?.[1] ??
      "read-only";
  }
}

/**
 * An app-server notification as the `codex exec --json` event it matches. A
 * streamed reply (which exec never shows) becomes `item.updated` events, at
 * most one per {@linkcode DRAFT_PROGRESS_MS}, whose text is the draft's end.
 */
function toThreadEvent(
  notification: AppServerNotification,
  stream: StreamState,
): ThreadEvent | undefined {
  const params = notification.params ?? {};
  switch (notification.method) {
    case "turn/started":
      return { type: "turn.started" };
    case "item/started":
    case "item/completed": {
      const item = toThreadItem(params.item);
      if (item === undefined) return undefined;
      return {
        type: notification.method === "item/started"
          ? "item.started"
          : "item.completed",
        item,
      };
    }
    case "error": {
      const message = String(params.error?.message ?? "error");
      return {
        type: "error",
        message: params.willRetry && !message.startsWith("Reconnecting...")
          ? `Reconnecting... ${message}`
          : message,
      };
    }
    case "item/agentMessage/delta": {
      const id = String(params.itemId ?? "");
      const draft = stream.drafts.get(id) ?? { tail: "", reportedAt: 0 };
      draft.tail = (draft.tail + String(params.delta ?? "")).slice(
        -DRAFT_TAIL_CHARS,
      );
      stream.drafts.set(id, draft);
      if (Date.now() - draft.reportedAt < DRAFT_PROGRESS_MS) return undefined;
      draft.reportedAt = Date.now();
      return {
        type: "item.updated",
        item: { type: "agent_message", id, text: draft.tail },
      };
    }
    case "thread/tokenUsage/updated": {
      const last = params.tokenUsage?.last;
      if (last !== undefined) {
        stream.usage = {
          input_tokens: last.inputTokens ?? 0,
          cached_input_tokens: last.cachedInputTokens,
          output_tokens: last.outputTokens ?? 0,
          reasoning_output_tokens: last.reasoningOutputTokens,
        };
      }
      return undefined;
    }
    case "turn/completed": {
      const turn = params.turn ?? {};
      if (turn.status === "completed") {
        return {
          type: "turn.completed",
          usage: stream.usage ?? { input_tokens: 0, output_tokens: 0 },
        };
      }
      if (turn.status === "failed") {
        return {
          type: "turn.failed",
          error: { message: String(turn.error?.message ?? "the turn failed") },
        };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

// deno-lint-ignore no-explicit-any
function toThreadItem(item: any): ThreadItem | undefined {
  const id = String(item?.id ?? "");
  switch (item?.type) {
    case "agentMessage":
      return { id, type: "agent_message", text: String(item.text ?? "") };
    case "reasoning":
      return {
        id,
        type: "reasoning",
        text: [item.summary ?? [], item.text ?? []].flat().join("\n"),
      };
    case "commandExecution":
      return {
        id,
        type: "command_execution",
        command: Array.isArray(item.command)
          ? item.command.join(" ")
          : String(item.command ?? ""),
        aggregated_output: String(item.aggregatedOutput ?? ""),
        exit_code: item.exitCode ?? null,
        status: item.status,
      };
    case "fileChange":
      return {
        id,
        type: "file_change",
        // deno-lint-ignore no-explicit-any
        changes: (item.changes ?? []).map((change: any) => ({
          path: String(change.path),
          kind: typeof change.kind === "string"
            ? change.kind
            : change.kind?.type,
        })),
        status: item.status,
      };
    default:
      return undefined;
  }
}
