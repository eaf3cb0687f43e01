/**
 * One turn the server has accepted: queued or running, until it settles.
 * What a caller holds to follow it (progress), await it, or stop it.
 *
 * @module
 */

import type { TurnResult } from "../codex/verdict.ts";

/** Where a turn is in its life. */
export type TurnPhase = "queued" | "running" | "completed" | "failed";

/**
 * A turn the service has accepted. Its session id is known from the start
 * on resume, and once Codex names the thread for a new session.
 *
 * @example
 * ```ts
 * import { RunningTurn } from "./running_turn.ts";
 * const turn = new RunningTurn("codex_chat", undefined);
 * turn.subscribe((message) => console.log(message));
 * turn.report("Starting Codex");
 * turn.latestProgress; // "Starting Codex"
 * ```
 */
export class RunningTurn {
  /** The tool that started it. */
  readonly tool: string;
  /** When the service accepted it (ms since the epoch). */
  readonly acceptedAt: number = Date.now();
  /** Aborted by {@linkcode RunningTurn.stop}; the backends watch it. */
  readonly signal: AbortSignal;
  #sessionId?: string;
  #phase: TurnPhase = "queued";
  #latestProgress?: string;
  readonly #stopper = new AbortController();
  readonly #listeners = new Set<(message: string) => void>();
  #settled?: Promise<TurnResult>;

  /** Creates the handle of a turn on `sessionId` (undefined: a new session). */
  constructor(tool: string, sessionId: string | undefined) {
    this.tool = tool;
    // Codex prints ids in lower case; a caller may not.
    this.#sessionId = sessionId?.toLowerCase();
    this.signal = this.#stopper.signal;
  }

  /** The session, once known. */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** Queued, running, or how it ended. */
  get phase(): TurnPhase {
    return this.#phase;
  }

  /** The last progress line, if any. */
  get latestProgress(): string | undefined {
    return this.#latestProgress;
  }

  /** Settles with the turn's result or its {@linkcode CodexError}. */
  get result(): Promise<TurnResult> {
    if (this.#settled === undefined) {
      throw new Error("the turn has not been started");
    }
    return this.#settled;
  }

  /** Calls `listener` with every progress line until the returned function is called. */
  subscribe(listener: (message: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops the turn: a queued turn never starts, a running one is ended. */
  stop(): void {
    this.#stopper.abort();
  }

  /** Records a progress line and passes it to every listener. */
  report(message: string): void {
    this.#latestProgress = message;
    for (const listener of this.#listeners) listener(message);
  }

  /** Records the session id Codex gave the thread. */
  named(sessionId: string): void {
    this.#sessionId ??= sessionId;
  }

  /** Records that Codex is running the turn now. */
  started(): void {
    this.#phase = "running";
  }

  /** Attaches the work that settles the turn (once, by the service). */
  settleWith(work: Promise<TurnResult>): void {
    this.#settled = work.then(
      (result) => {
        this.#phase = "completed";
        return result;
      },
      (error) => {
        this.#phase = "failed";
        throw error;
      },
    );
    // A turn nobody awaits (shutdown) must not become an unhandled rejection.
    this.#settled.catch(() => {});
  }
}
