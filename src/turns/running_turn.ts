/**
 * One turn the server has accepted: queued, running, then settled until its
 * result is collected. What a caller holds to follow it (progress), await
 * it, or stop it.
 *
 * @module
 */

import { whenAborted } from "../abort.ts";
import type { TurnResult } from "../codex/verdict.ts";
import { CodexError } from "../errors.ts";

/** How a settled turn ended. */
export type TurnOutcome = { result: TurnResult } | { error: unknown };

/**
 * A turn the service has accepted. Its session id is known from the start
 * on resume, and once Codex names the thread for a new session.
 *
 * @example
 * ```ts
 * import { RunningTurn } from "./running_turn.ts";
 * const turn = new RunningTurn("turn-mio3k2-1", "codex_chat", undefined);
 * turn.report("Queued");
 * turn.subscribe((message) => console.log(message)); // "Queued", then more
 * turn.report("Starting Codex");
 * turn.latestProgress; // "Starting Codex"
 * ```
 */
export class RunningTurn {
  /** Names this turn to callers (`turn_id`), unique within the server. */
  readonly id: string;
  /** The tool that started it. */
  readonly tool: string;
  /** When the service accepted it (ms since the epoch). */
  readonly acceptedAt: number = Date.now();
  /** Aborted by {@linkcode RunningTurn.stop}; the backends watch it. */
  readonly signal: AbortSignal;
  /** Settles with the session id once known (undefined: it never was). */
  readonly named: Promise<string | undefined>;
  #sessionId?: string;
  #latestProgress?: string;
  #outcome?: TurnOutcome;
  #settledAt?: number;
  #collected = false;
  readonly #stopper = new AbortController();
  readonly #listeners = new Set<(message: string) => void>();
  #settled?: Promise<TurnResult>;
  #resolveNamed!: (sessionId: string | undefined) => void;

  /**
   * Creates the handle of a turn on `sessionId` (in lower case, as Codex
   * prints it; undefined: a new session).
   */
  constructor(id: string, tool: string, sessionId: string | undefined) {
    this.id = id;
    this.tool = tool;
    this.#sessionId = sessionId;
    this.signal = this.#stopper.signal;
    this.named = new Promise((resolve) => this.#resolveNamed = resolve);
    if (this.#sessionId !== undefined) this.#resolveNamed(this.#sessionId);
  }

  /** The session, once known. */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** The last progress line, if any. */
  get latestProgress(): string | undefined {
    return this.#latestProgress;
  }

  /** How it ended, once it has. */
  get outcome(): TurnOutcome | undefined {
    return this.#outcome;
  }

  /** When it settled (ms since the epoch), once it has. */
  get settledAt(): number | undefined {
    return this.#settledAt;
  }

  /** Whether a caller has been given its result. */
  get collected(): boolean {
    return this.#collected;
  }

  /** Settles with the turn's result or its {@linkcode CodexError}. */
  get result(): Promise<TurnResult> {
    if (this.#settled === undefined) {
      throw new Error("the turn has not been started");
    }
    return this.#settled;
  }

  /**
   * Calls `listener` with the latest progress line, if any, then every new
   * one until the returned function is called.
   */
  subscribe(listener: (message: string) => void): () => void {
    if (this.#latestProgress !== undefined) listener(this.#latestProgress);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Waits until the turn settles (true), `ms` pass (false; `undefined`:
   * no limit), or `signal` aborts (false). Never stops the turn.
   */
  async settledWithin(ms?: number, signal?: AbortSignal): Promise<boolean> {
    if (this.#outcome !== undefined) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let forgetAbort = (): void => {};
    const givenUp = new Promise<false>((resolve) => {
      if (ms !== undefined) timer = setTimeout(() => resolve(false), ms);
      forgetAbort = whenAborted(signal, () => resolve(false));
    });
    try {
      return await Promise.race([
        this.result.then(() => true, () => true),
        givenUp,
      ]);
    } finally {
      clearTimeout(timer);
      forgetAbort();
    }
  }

  /**
   * Stops the turn: a queued turn never starts, a running one is ended.
   * `why` ends up in its error ("Codex was stopped after 812 ms: why").
   */
  stop(why = "the client cancelled the call"): void {
    this.#stopper.abort(why);
  }

  /** Marks the result as handed to a caller. */
  collect(): void {
    this.#collected = true;
  }

  /** Records a progress line and passes it to every listener. */
  report(message: string): void {
    this.#latestProgress = message;
    for (const listener of this.#listeners) listener(message);
  }

  /** Records the session id Codex gave the thread. */
  nameSession(sessionId: string): void {
    this.#sessionId ??= sessionId;
    this.#resolveNamed(this.#sessionId);
  }

  /** Attaches the work that settles the turn (once, by the service). */
  settleWith(work: Promise<TurnResult>): void {
    this.#settled = work.then(
      (result) => {
        this.nameSession(result.sessionId);
        this.#end({ result });
        return result;
      },
      (error) => {
        if (error instanceof CodexError && error.sessionId !== undefined) {
          this.nameSession(error.sessionId);
        }
        this.#resolveNamed(this.#sessionId);
        this.#end({ error });
        throw error;
      },
    );
    // A turn nobody awaits (background, shutdown) is no unhandled rejection.
    this.#settled.catch(() => {});
  }

  #end(outcome: TurnOutcome): void {
    this.#outcome = outcome;
    this.#settledAt = Date.now();
  }
}
