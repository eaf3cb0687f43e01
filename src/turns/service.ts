/**
 * The turn service: the one place a call becomes a Codex turn. It resolves
 * the session's directory, keeps calls on one session in arrival order,
 * caps the Codex processes running at once, picks the backend (app-server,
 * falling back to exec), reports progress, and keeps a registry of the turns
 * it has accepted, so each can be looked up by session, awaited, and
 * stopped, and `close()` ends them all.
 *
 * @module
 */

import {
  AppServerBackend,
  AppServerUnavailableError,
} from "../codex/app_server_backend.ts";
import type {
  ReasoningEffort,
  ReviewTarget,
  SandboxMode,
} from "../codex/args.ts";
import { runCodexTurn } from "../codex/runner.ts";
import { copiesOnly, type TurnRequest } from "../codex/turn_request.ts";
import { describeEvent } from "../codex/turn.ts";
import type { TurnResult } from "../codex/verdict.ts";
import type { Config } from "../config.ts";
import { Limiter } from "../limiter.ts";
import { SessionQueue } from "../session_queue.ts";
import { probeCodexVersion } from "../codex/version.ts";
import { VERSION } from "../version.ts";
import {
  checkCallInput,
  checkImages,
  checkQueueRoom,
  checkSupported,
} from "./call_checks.ts";
import { policyBounds, resolvePolicy } from "./codex_policy.ts";
import { withParsedReply, withReviewOutput } from "./reply_extras.ts";
import { RunningTurn } from "./running_turn.ts";
import { resolveSessionPlace } from "./session_cwd.ts";
import { workspaceBounds } from "./workspace_roots.ts";

/**
 * The `clientInfo.name` given to `codex app-server`: Codex records it as the
 * `originator` of sessions started through the app-server backend.
 */
export const APP_SERVER_CLIENT_NAME = "codex-persistent-mcp";
/** How long any single app-server request may go unanswered. */
const APP_SERVER_REQUEST_TIMEOUT_MS = 30_000;

/** One call for a turn, as the tools hand it over. */
export interface TurnCall {
  /** The tool called (recorded in the origin header, named in logs). */
  tool: string;
  /** The prompt, without the origin header. */
  prompt: string;
  /** Continue this session; omit to start a new one. */
  sessionId?: string;
  /** Where Codex works; default on resume: the session's own directory. */
  cwd?: string;
  model?: string;
  reasoningEffort?: ReasoningEffort;
  /** Default: the config's. */
  timeoutMs?: number;
  /** At most the config's `maxSandbox`; default: Codex's configuration. */
  sandbox?: SandboxMode;
  /** Absolute paths of images for the prompt. */
  images?: string[];
  /** A JSON Schema for the reply; the result then carries `parsed`. */
  outputSchema?: Record<string, unknown>;
  /** Run Codex's reviewer on this target (the prompt is not sent). */
  review?: ReviewTarget;
  /** Fork `sessionId` into a new session (an empty prompt runs no turn). */
  fork?: boolean;
}

/** Where the service's log lines go (never stdout). */
export type TurnLog = (level: "info" | "warning", message: string) => void;

/**
 * Runs turns for calls.
 *
 * @example
 * ```ts ignore
 * import { loadConfig } from "../config.ts";
 * const turns = new TurnService(loadConfig(Deno.env.toObject()));
 * const turn = turns.start({ tool: "codex_chat", prompt: "Hi", cwd: "/repo" });
 * turn.subscribe((line) => console.error(line));
 * const { sessionId, reply } = await turn.result;
 * await turns.close();
 * ```
 */
export class TurnService {
  readonly #config: Config;
  readonly #log: TurnLog;
  /** The warm backend (absent with CODEX_PERSISTENT_MCP_BACKEND=exec). */
  readonly #appServer?: AppServerBackend;
  readonly #sessions = new SessionQueue();
  readonly #limiter: Limiter;
  /**
   * Every turn accepted and not yet collected, in arrival order: queued,
   * running, and settled ones whose result no caller has had yet (kept for
   * `codex_wait`, within the retention bounds).
   */
  readonly #turns = new Set<RunningTurn>();
  #closing?: Promise<void>;
  /** The installed Codex's version, asked once when first needed. */
  #codexVersion?: Promise<string | undefined>;

  /** Creates the service; no process starts until the first turn. */
  constructor(config: Config, log: TurnLog = () => {}) {
    this.#config = config;
    this.#log = log;
    this.#limiter = new Limiter(config.maxConcurrent);
    if (config.backend === "app-server") {
      this.#appServer = new AppServerBackend({
        codexBin: config.codexBin,
        codexHome: config.codexHome,
        clientName: APP_SERVER_CLIENT_NAME,
        clientVersion: VERSION,
        idleReleaseMs: config.appServerIdleMs,
        maxWarm: config.appServerMaxWarm,
        requestTimeoutMs: APP_SERVER_REQUEST_TIMEOUT_MS,
      });
    }
  }

  /**
   * Accepts a call: the turn is queued behind earlier calls on its session
   * (in arrival order: queued here, before any await) and runs when its
   * turn comes. Failures settle `result`; they never throw here.
   */
  start(call: TurnCall): RunningTurn {
    // A fork's turn belongs to the new session Codex names.
    const turn = new RunningTurn(
      call.tool,
      call.fork ? undefined : call.sessionId,
    );
    if (this.#closing !== undefined) turn.stop("the server is shutting down");
    try {
      // Before the call waits anywhere: bad input never queues or stalls.
      checkCallInput(call);
      this.#checkRoom(call.sessionId);
    } catch (error) {
      turn.settleWith(Promise.reject(error));
      return turn;
    }
    this.#turns.add(turn);
    const sessionId = call.sessionId;
    if (sessionId !== undefined && this.#sessions.busy(sessionId)) {
      turn.report(`Queued behind an earlier call on session ${sessionId}`);
    }
    const work = sessionId === undefined
      ? this.#run(turn, call)
      : this.#sessions.run(sessionId, () => this.#run(turn, call));
    turn.settleWith(work);
    turn.result.catch(() => {}).finally(() => this.#retain(turn));
    return turn;
  }

  /**
   * The turns of a session that a caller has not had the result of yet:
   * queued, running, or settled and kept; oldest first.
   */
  turnsOf(sessionId: string): RunningTurn[] {
    this.#prune();
    const id = sessionId.toLowerCase();
    return [...this.#turns].filter((turn) => turn.sessionId === id);
  }

  /** Whether a turn is queued or running on the session. */
  busy(sessionId: string): boolean {
    return this.turnsOf(sessionId).some((turn) => turn.outcome === undefined);
  }

  /**
   * Stops every queued and running turn of a session, with `why` in their
   * errors; the turns stopped (none when the session is idle).
   */
  cancel(sessionId: string, why: string): RunningTurn[] {
    const stopped = this.turnsOf(sessionId).filter((turn) =>
      turn.outcome === undefined
    );
    for (const turn of stopped) turn.stop(why);
    return stopped;
  }

  /** Refuses a call past the queue bounds. */
  #checkRoom(sessionId: string | undefined): void {
    checkQueueRoom(
      [...this.#turns].filter((turn) => turn.outcome === undefined)
        .map((turn) => turn.sessionId),
      sessionId,
      this.#config,
    );
  }

  /** Records that a caller has the turn's result: it is no longer kept. */
  collect(turn: RunningTurn): void {
    turn.collect();
    this.#turns.delete(turn);
  }

  /** A settled turn stays until collected, within the retention bounds. */
  #retain(turn: RunningTurn): void {
    if (turn.collected) this.#turns.delete(turn);
    this.#prune();
  }

  /** Drops kept results past their time, then the oldest past the count. */
  #prune(): void {
    const settled = [...this.#turns].filter((turn) =>
      turn.settledAt !== undefined
    );
    const expired = Date.now() - this.#config.resultRetentionMs;
    const excess = settled.length - this.#config.maxRetainedResults;
    settled.sort((a, b) => a.settledAt! - b.settledAt!);
    settled.forEach((turn, index) => {
      if (index < excess || turn.settledAt! < expired) this.#turns.delete(turn);
    });
  }

  /**
   * Stops every turn and closes every Codex process (at shutdown, so none
   * outlives the server or keeps holding a session's lock). Turns started
   * afterwards are stopped at once.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const turns = [...this.#turns];
      for (const turn of turns) turn.stop("the server is shutting down");
      await Promise.all(turns.map((turn) => turn.result.catch(() => {})));
      await this.#appServer?.closeAll();
    })();
    return this.#closing;
  }

  async #run(turn: RunningTurn, call: TurnCall): Promise<TurnResult> {
    const started = Date.now();
    const policy = await resolvePolicy(
      call.sandbox,
      policyBounds(this.#config),
      call.sessionId,
    );
    await checkImages(call.images, call.sessionId);
    await checkSupported(call, {
      version: () => this.#version(),
      appServer: this.#appServer !== undefined,
    });
    const place = await resolveSessionPlace(
      workspaceBounds(this.#config),
      call,
    );
    if (this.#limiter.full) {
      turn.report(
        `Queued: ${this.#limiter.running} Codex processes already running (CODEX_PERSISTENT_MCP_MAX_CONCURRENT=${this.#config.maxConcurrent})`,
      );
    }
    const result = await this.#limiter.run(() => {
      turn.report("Starting Codex");
      this.#log(
        "info",
        `${call.tool}: running Codex in ${place.cwd} for ${
          call.sessionId ?? "(new session)"
        }`,
      );
      return this.#runOnBackend({
        codexBin: this.#config.codexBin,
        cwd: place.cwd,
        rolloutPath: place.rolloutPath,
        prompt: call.prompt,
        origin: { origin: this.#config.origin, tool: call.tool },
        sessionId: call.sessionId,
        model: call.model,
        reasoningEffort: call.reasoningEffort,
        policy,
        images: call.images,
        outputSchema: call.outputSchema,
        review: call.review,
        fork: call.fork,
        timeoutMs: call.timeoutMs ?? this.#config.defaultTimeoutMs,
        idleTimeoutMs: this.#config.idleTimeoutMs,
        signal: turn.signal,
        onEvent: (event) => {
          if (event.type === "thread.started") {
            turn.nameSession(event.thread_id);
          }
          const message = describeEvent(event);
          if (message === undefined) return;
          turn.report(message);
          if (event.type === "error") {
            this.#log("warning", `${call.tool}: ${message}`);
          }
        },
      }, call.tool);
    }).then(async (result) => {
      if (call.outputSchema !== undefined) result = withParsedReply(result);
      if (call.review !== undefined) {
        // A review inside a session wrote to the file found before the call.
        result = await withReviewOutput(
          result,
          this.#config.codexHome,
          result.sessionId === call.sessionId ? place.rolloutPath : undefined,
        );
      }
      return call.fork ? { ...result, forkedFrom: call.sessionId } : result;
    });
    this.#log(
      "info",
      `${call.tool}: session ${result.sessionId} answered in ${
        Date.now() - started
      } ms`,
    );
    return result;
  }

  /** The installed Codex's version, asked once. */
  #version(): Promise<string | undefined> {
    this.#codexVersion ??= probeCodexVersion(this.#config.codexBin);
    return this.#codexVersion;
  }

  /** A call never fails because of the backend choice: exec stands in. */
  async #runOnBackend(request: TurnRequest, tool: string): Promise<TurnResult> {
    // A fork without a prompt only copies the session: exec does that.
    if (this.#appServer !== undefined && !copiesOnly(request)) {
      try {
        return await this.#appServer.runTurn(request);
      } catch (error) {
        if (!(error instanceof AppServerUnavailableError)) throw error;
        this.#log(
          "warning",
          `${tool}: ${error.message}; running this call with codex exec instead`,
        );
      }
    }
    return await runCodexTurn(request);
  }
}
