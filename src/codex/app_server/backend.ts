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

import { CodexError, saysSessionLocked, sessionLocked } from "../../errors.ts";
import {
  type BackendCapabilities,
  BackendUnavailableError,
  type TurnBackend,
} from "../backend.ts";
import { endOrphanedHelpers } from "../orphan_helpers.ts";
import { forCodexVersion } from "../permission_profile.ts";
import { withReviewOutput } from "../review_output.ts";
import { originInstructions } from "../../header.ts";
import { pathInfo } from "../../runtime/fs.ts";
import { ExecutableNotFoundError } from "../../runtime/types.ts";
import { AppServerConnection, AppServerRequestError } from "./connection.ts";
import { threadIdOf } from "./protocol.ts";
import { runAppServerTurn } from "./turn.ts";
import { findRolloutFile } from "../../store/rollout_files.ts";
import { namedSession, resumedSession } from "../session_intent.ts";
import type { TurnRequest } from "../turn_request.ts";
import { APP_SERVER_OUTPUT_SCHEMA_SINCE, versionAtLeast } from "../version.ts";
import type { CodexInstall } from "../native_binary.ts";
import { throwIfCancelled, type TurnResult } from "../verdict.ts";

/** Settings of the warm backend. */
export interface AppServerBackendOptions {
  /** The Codex to start (its native binary, and its version). */
  codex: CodexInstall;
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
 * const backend = new AppServerBackend({ codex: new CodexInstall("codex"), codexHome: "/home/me/.codex",
 *   clientName: "codex-persistent-mcp", clientVersion: "0.1.0",
 *   idleReleaseMs: 30_000, maxWarm: 4, requestTimeoutMs: 30_000 });
 * const { sessionId, reply } = await backend.runTurn({ ...request });
 * await backend.close();
 * ```
 */
export class AppServerBackend implements TurnBackend {
  readonly #options: AppServerBackendOptions;
  readonly #warm = new Map<string, WarmSession>();
  readonly #busy = new Set<AppServerConnection>();

  /** Creates the backend; no process starts until the first turn. */
  constructor(options: AppServerBackendOptions) {
    this.#options = options;
  }

  /**
   * Runs one turn. Throws a {@linkcode CodexError} for failures of the turn,
   * or a {@linkcode BackendUnavailableError} when the app-server cannot
   * serve it (the caller falls back to `codex exec`): it would not start,
   * broke before the turn began, or the request is a fork that only copies
   * the session (a thread cannot be forked without a turn).
   */
  async runTurn(asked: TurnRequest): Promise<TurnResult> {
    throwIfCancelled(asked.signal, namedSession(asked.session));
    const request = {
      ...asked,
      policy: forCodexVersion(
        asked.policy,
        asked.cwd,
        await this.#options.codex.version(),
        asked.askHuman !== undefined,
      ),
    };
    if (request.input.kind === "copy") {
      throw new BackendUnavailableError(
        "the app-server cannot copy a session without a turn",
        { routine: true },
      );
    }
    const { connection, threadId } = await this.#connect(request);
    this.#busy.add(connection);
    let result: TurnResult;
    try {
      // Warm or new, this process must take what the turn asks (an older
      // one would silently drop the schema): else exec runs the turn.
      if (
        request.outputSchema !== undefined &&
        !versionAtLeast(connection.version, APP_SERVER_OUTPUT_SCHEMA_SINCE)
      ) {
        throw new BackendUnavailableError(
          `the app-server of Codex ${connection.version} takes no output schema (${APP_SERVER_OUTPUT_SCHEMA_SINCE} does)`,
        );
      }
      result = await runAppServerTurn(connection, threadId, request);
      await this.#park(threadId, connection, request);
    } catch (error) {
      // After a failed or stopped turn start clean next time.
      await connection.close();
      throw error;
    } finally {
      this.#busy.delete(connection);
    }
    if (request.input.kind !== "review") return result;
    // A review inside a session wrote to the file found before the call.
    return await withReviewOutput(
      result,
      this.#options.codexHome,
      request.session.kind === "resume"
        ? request.session.rolloutPath
        : undefined,
    );
  }

  /** The installed version; reviews run inside sessions. */
  async capabilities(): Promise<BackendCapabilities> {
    return {
      codexVersion: await this.#options.codex.version(),
      reviewsInSession: true,
    };
  }

  /** Closes every app-server (at shutdown). */
  async close(): Promise<void> {
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
    const { session } = request;
    const sessionId = namedSession(session);
    if (session.kind === "resume") {
      const warm = await this.#takeWarm(session, request);
      if (warm !== undefined) {
        return { connection: warm, threadId: session.sessionId };
      }
    }
    const codex = await this.#options.codex.command();
    let connection: AppServerConnection;
    try {
      connection = await AppServerConnection.start({
        codexBin: codex.path,
        clientName: this.#options.clientName,
        clientVersion: this.#options.clientVersion,
        requestTimeoutMs: this.#options.requestTimeoutMs,
        configOverrides: request.policy.configOverrides,
        cwd: request.cwd,
        env: codex.env,
        withoutEnv: request.policy.hiddenFromCodex,
      });
      // Its filesystem helpers may outlive it (Codex 0.171.0).
      connection.exited.then(() => endOrphanedHelpers(this.#options.codexHome));
    } catch (error) {
      if (error instanceof ExecutableNotFoundError) {
        throw new BackendUnavailableError(error.message);
      }
      throw new BackendUnavailableError(
        `codex app-server did not start: ${(error as Error).message}`,
      );
    }
    // A review cannot say where or how it runs: the thread must. The
    // overrides go to the thread too: 0.77.0 applies no `-c` to threads.
    const threadParams = {
      approvalPolicy: "never",
      // A sandbox mode would replace the permission profile.
      ...(request.policy.byProfile ? {} : { sandbox: request.policy.sandbox }),
      cwd: request.cwd,
      config: Object.fromEntries(request.policy.configOverrides),
    };
    try {
      const [method, params] = session.kind === "new"
        ? ["thread/start", {
          ...threadParams,
          // Keeps the first message, the picker's preview, header-free.
          developerInstructions: originInstructions(request.origin),
        }]
        : session.kind === "fork"
        ? ["thread/fork", { ...threadParams, threadId: session.from }]
        : ["thread/resume", { ...threadParams, threadId: session.sessionId }];
      const loaded = threadIdOf(await connection.request(method, params));
      if (loaded === undefined) {
        throw new AppServerRequestError("the thread came back without an id");
      }
      const resumed = resumedSession(session);
      if (resumed !== undefined && loaded !== resumed) {
        throw new CodexError(
          "session_mismatch",
          `Codex did not resume session ${resumed}: it loaded ${loaded} instead.`,
          {
            sessionId: resumed,
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
        if (sessionId !== undefined && saysSessionLocked(error.message)) {
          throw sessionLocked(sessionId, error.message);
        }
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
      throw new BackendUnavailableError(
        `codex app-server broke while loading the thread: ${
          (error as Error).message
        }`,
      );
    }
  }

  /** The warm process of a session, if it can serve this request. */
  async #takeWarm(
    session: { sessionId: string; rolloutPath: string },
    request: TurnRequest,
  ): Promise<AppServerConnection | undefined> {
    const warm = this.#warm.get(session.sessionId);
    if (warm === undefined) return undefined;
    this.#warm.delete(session.sessionId);
    clearTimeout(warm.releaseTimer);
    // A turn's overrides stick to the thread: a call without them must not
    // inherit another call's model, effort or output schema. Every turn
    // sets its sandbox and cwd, but a review cannot: the thread's must fit.
    const overridesFit =
      (request.model !== undefined || warm.model === undefined) &&
      (request.reasoningEffort !== undefined || warm.effort === undefined) &&
      (request.outputSchema !== undefined || !warm.outputSchema) &&
      warm.configOverrides === overridesKey(request) &&
      (request.input.kind !== "review" ||
        (warm.sandbox === request.policy.sandbox && warm.cwd === request.cwd));
    // A change of size means somebody else wrote to the session meanwhile.
    const untouched = warm.rollout !== undefined &&
      warm.rollout.path === session.rolloutPath &&
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
    const path =
      (request.session.kind === "resume"
        ? request.session.rolloutPath
        : undefined) ??
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
