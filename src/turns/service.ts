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

import { relativeTo } from "../activity.ts";
import type { AskHuman } from "../codex/approvals.ts";
import type { TurnBackend } from "../codex/backend.ts";
import type {
  CodexPolicy,
  ReasoningEffort,
  ReviewTarget,
  SandboxMode,
} from "../codex/turn_options.ts";
import { turnIntent } from "../codex/session_intent.ts";
import type { TurnRequest } from "../codex/turn_request.ts";
import { describeEvent } from "../codex/turn.ts";
import type { TurnResult } from "../codex/verdict.ts";
import type { Config } from "../config.ts";
import { CodexError } from "../errors.ts";
import { expiredEntries } from "../retention.ts";
import { Limiter } from "../limiter.ts";
import { SessionQueue } from "../session_queue.ts";
import {
  checkCallInput,
  checkImages,
  checkQueueRoom,
  checkSupported,
} from "./call_checks.ts";
import { codexBackend, type TurnLog } from "./codex_backend.ts";
import { boundedAsker } from "./human_bound.ts";
import { placeClaim, policyBounds, resolvePolicy } from "./codex_policy.ts";
import { PlaceLeases } from "./place_leases.ts";
import { withParsedReply } from "./parsed_reply.ts";
import { checkRepository } from "./repository_commands.ts";
import { RunningTurn } from "./running_turn.ts";
import { leasedPlace } from "./leased_place.ts";
import type { SessionPlace } from "./session_cwd.ts";
import { workspaceBounds } from "./workspace_roots.ts";

/** One call for a turn, as the tools hand it over. */
export interface TurnCall {
  /** The tool called (recorded in the origin header, named in logs). */
  tool: string;
  /** The prompt, without the origin header. */
  prompt: string;
  /**
   * Continue this session (in lower case, as Codex prints it: the MCP
   * schema normalizes it); omit to start a new one.
   */
  sessionId?: string;
  /** Where Codex works; default on resume: the session's own directory. */
  cwd?: string;
  /** The model for this turn only (default: Codex's configuration). */
  model?: string;
  /** The reasoning effort for this turn only. */
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
  /**
   * How this call reaches the human, for Codex's approval requests; used
   * only with `CODEX_PERSISTENT_MCP_APPROVALS=ask`.
   */
  askHuman?: AskHuman;
}

/** What a turn service is built with besides its configuration. */
export interface TurnServiceOptions {
  /** Where log lines go (default: nowhere). */
  log?: TurnLog;
  /** What runs the turns (default: Codex, as the configuration says). */
  backend?: TurnBackend;
}

/**
 * Runs turns for calls.
 *
 * @example
 * ```ts ignore
 * import { loadConfig } from "../config.ts";
 * const turns = new TurnService(loadConfig(Deno.env.toObject()), {
 *   log: (level, line) => console.error(level, line),
 * });
 * const turn = turns.start({ tool: "codex_chat", prompt: "Hi", cwd: "/repo" });
 * turn.subscribe((line) => console.error(line));
 * const { sessionId, reply } = await turn.result;
 * await turns.close();
 * ```
 */
export class TurnService {
  readonly #config: Config;
  readonly #log: TurnLog;
  readonly #backend: TurnBackend;
  readonly #sessions = new SessionQueue();
  readonly #limiter: Limiter;
  readonly #leases = new PlaceLeases();
  /**
   * Every turn accepted and not yet collected, in arrival order: queued,
   * running, and settled ones whose result no caller has had yet (kept for
   * `codex_wait`, within the retention bounds).
   */
  readonly #turns = new Set<RunningTurn>();
  #closing?: Promise<void>;
  /** Turn ids: unique within this server, and unlike a restarted one's. */
  readonly #turnIdPrefix = `turn-${Date.now().toString(36)}`;
  #turnsAccepted = 0;

  /** Creates the service; no process starts until the first turn. */
  constructor(config: Config, options: TurnServiceOptions = {}) {
    this.#config = config;
    this.#log = options.log ?? (() => {});
    this.#backend = options.backend ?? codexBackend(config, this.#log);
    this.#limiter = new Limiter(config.maxConcurrent);
  }

  /**
   * Accepts a call: the turn is queued behind earlier calls on its session
   * (in arrival order: queued here, before any await) and runs when its
   * turn comes. Failures settle `result`; they never throw here.
   */
  start(call: TurnCall): RunningTurn {
    // A fork's turn belongs to the new session Codex names.
    const turn = new RunningTurn(
      `${this.#turnIdPrefix}-${++this.#turnsAccepted}`,
      call.tool,
      call.fork ? undefined : call.sessionId,
    );
    try {
      if (this.#closing !== undefined) {
        throw new CodexError(
          "cancelled",
          "The server is shutting down: no new turn starts.",
          {
            hint: "Call again once the server has restarted.",
          },
        );
      }
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
    return [...this.#turns].filter((turn) => turn.sessionId === sessionId);
  }

  /** The id of the session's newest queued or running turn, if any. */
  runningTurnOf(sessionId: string): string | undefined {
    return this.turnsOf(sessionId).findLast((turn) =>
      turn.outcome === undefined
    )?.id;
  }

  /**
   * Stops every queued and running turn of a session (or only the one
   * `turnId` names), with `why` in their errors; the turns stopped (none
   * when nothing was running).
   */
  cancel(sessionId: string, why: string, turnId?: string): RunningTurn[] {
    const stopped = this.turnsOf(sessionId).filter((turn) =>
      turn.outcome === undefined && (turnId === undefined || turn.id === turnId)
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

  /** Drops kept results as the retention rule says. */
  #prune(): void {
    for (
      const turn of expiredEntries(
        this.#turns,
        (kept) => kept.settledAt,
        this.#config,
      )
    ) this.#turns.delete(turn);
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
      await this.#backend.close();
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
    const { place, release } = await leasedPlace(
      this.#leases,
      workspaceBounds(this.#config),
      call,
      (cwd) => placeClaim(cwd, policy, this.#config.tmpdir),
      turn,
    );
    try {
      return await this.#runLeased(turn, call, policy, place, started);
    } finally {
      release();
    }
  }

  /** The turn, once it holds the lease on its place. */
  async #runLeased(
    turn: RunningTurn,
    call: TurnCall,
    policy: CodexPolicy,
    place: SessionPlace,
    started: number,
  ): Promise<TurnResult> {
    // Decided here, once: every backend reads it.
    const intent = turnIntent(call, place.rolloutPath);
    checkSupported(intent, await this.#backend.capabilities());
    await checkRepository(place.cwd, call.sessionId);
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
      return this.#backend.runTurn(
        {
          cwd: place.cwd,
          ...intent,
          origin: { origin: this.#config.origin, tool: call.tool },
          model: call.model,
          reasoningEffort: call.reasoningEffort,
          policy,
          images: call.images,
          outputSchema: call.outputSchema,
          timeoutMs: call.timeoutMs ?? this.#config.defaultTimeoutMs,
          idleTimeoutMs: this.#config.idleTimeoutMs,
          signal: turn.signal,
          askHuman: this.#config.approvals === "ask" && call.askHuman
            ? boundedAsker(call.askHuman, turn, this.#config.approvalTimeoutMs)
            : undefined,
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
        } satisfies TurnRequest,
      );
    }).then((result) => {
      if (result.activity !== undefined) {
        result = {
          ...result,
          activity: relativeTo(result.activity, place.cwd),
        };
      }
      if (call.outputSchema !== undefined) result = withParsedReply(result);
      const { session } = intent;
      return session.kind === "fork"
        ? { ...result, forkedFrom: session.from }
        : result;
    });
    this.#log(
      "info",
      `${call.tool}: session ${result.sessionId} answered in ${
        Date.now() - started
      } ms`,
    );
    return result;
  }
}
