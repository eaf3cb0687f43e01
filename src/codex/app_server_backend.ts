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
import { originInstructions } from "../header.ts";
import { pathInfo } from "../runtime/fs.ts";
import { ExecutableNotFoundError } from "../runtime/types.ts";
import { AppServerConnection, AppServerRequestError } from "./app_server.ts";
import { threadIdOf } from "./app_server_protocol.ts";
import { runAppServerTurn } from "./app_server_turn.ts";
import { findRolloutFile } from "./store.ts";
import type { TurnRequest } from "./turn_request.ts";
import { APP_SERVER_OUTPUT_SCHEMA_SINCE, versionAtLeast } from "./version.ts";
import { throwIfCancelled, type TurnResult } from "./verdict.ts";

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
  sandbox: string;
  cwd: string;
  outputSchema: boolean;
  /** The `-c` overrides the process was started with. */
  configOverrides: string;
  /** The session's rollout file and its size after our last turn. */
  rollout?: { path: string; size?: number };
  releaseTimer: ReturnType<typeof setTimeout>;
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
      // Warm or new, this process must take what the turn asks (an older
      // one would silently drop the schema): else exec runs the turn.
      if (
        request.outputSchema !== undefined &&
        !versionAtLeast(connection.version, APP_SERVER_OUTPUT_SCHEMA_SINCE)
      ) {
        throw new AppServerUnavailableError(
          `the app-server of Codex ${connection.version} takes no output schema (${APP_SERVER_OUTPUT_SCHEMA_SINCE} does)`,
        );
      }
      const result = await runAppServerTurn(connection, threadId, request);
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
    if (sessionId !== undefined && !request.fork) {
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
        configOverrides: request.policy.configOverrides,
        cwd: request.cwd,
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
    // A review cannot say where or how it runs: the thread must. The
    // overrides go to the thread too: 0.77.0 applies no `-c` to threads.
    const threadParams = {
      approvalPolicy: "never",
      sandbox: request.policy.sandbox,
      cwd: request.cwd,
      config: Object.fromEntries(request.policy.configOverrides),
    };
    try {
      const [method, params] = sessionId === undefined
        ? ["thread/start", {
          ...threadParams,
          // Keeps the first message, the picker's preview, header-free.
          developerInstructions: originInstructions(request.origin),
        }]
        : request.fork
        ? ["thread/fork", { ...threadParams, threadId: sessionId }]
        : ["thread/resume", { ...threadParams, threadId: sessionId }];
      const loaded = threadIdOf(await connection.request(method, params));
      if (loaded === undefined) {
        throw new AppServerRequestError("the thread came back without an id");
      }
      if (sessionId !== undefined && !request.fork && loaded !== sessionId) {
        throw new CodexError(
          "session_mismatch",
          `Codex did not resume session ${sessionId}: it loaded ${loaded} instead.`,
          {
            sessionId,
            hint:
              "Check the session_id, and that this server uses the same CODEX_HOME as the Codex that created it.",
          },
        );
      }
      return { connection, threadId: loaded };
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
    // A turn's overrides stick to the thread: a call without them must not
    // inherit another call's model, effort or output schema. Every turn
    // sets its sandbox and cwd, but a review cannot: the thread's must fit.
    const overridesFit =
      (request.model !== undefined || warm.model === undefined) &&
      (request.reasoningEffort !== undefined || warm.effort === undefined) &&
      (request.outputSchema !== undefined || !warm.outputSchema) &&
      warm.configOverrides === overridesKey(request) &&
      (request.review === undefined ||
        (warm.sandbox === request.policy.sandbox && warm.cwd === request.cwd));
    // A change of size means somebody else wrote to the session meanwhile.
    const untouched = warm.rollout !== undefined &&
      warm.rollout.path === request.rolloutPath &&
      warm.rollout.size === (await pathInfo(warm.rollout.path))?.size;
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
    // A new session's (or fork's) rollout file exists only after its first
    // turn; a resumed one's was found before the call.
    const path = (request.fork ? undefined : request.rolloutPath) ??
      await findRolloutFile(this.#options.codexHome, threadId);
    const warm: WarmSession = {
      connection,
      model: request.model,
      effort: request.reasoningEffort,
      sandbox: request.policy.sandbox,
      cwd: request.cwd,
      outputSchema: request.outputSchema !== undefined,
      configOverrides: overridesKey(request),
      rollout: path === undefined
        ? undefined
        : { path, size: (await pathInfo(path))?.size },
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
}

/** The `-c` overrides of a request, comparable. */
function overridesKey(request: TurnRequest): string {
  return JSON.stringify(request.policy.configOverrides);
}
