/**
 * The one contract every way of running a turn keeps: `codex exec` per
 * call, a warm `codex app-server` per session, the fallback between them,
 * and a scripted backend in tests. The turn service knows only this.
 *
 * @module
 */

import type { TurnRequest } from "./turn_request.ts";
import type { TurnResult } from "./verdict.ts";

/** What a backend, and the Codex behind it, can do. */
export interface BackendCapabilities {
  /** The installed Codex's version (`undefined`: unknown). */
  codexVersion?: string;
  /** Whether a review can run inside an existing session. */
  reviewsInSession: boolean;
}

/**
 * Runs turns.
 *
 * @example
 * ```ts
 * import type { TurnBackend } from "./backend.ts";
 * const echo: TurnBackend = {
 *   runTurn: ({ input }) =>
 *     Promise.resolve({
 *       sessionId: "s1",
 *       reply: input.kind === "prompt" ? input.text : "",
 *     }),
 *   capabilities: () => Promise.resolve({ reviewsInSession: true }),
 *   close: () => Promise.resolve(),
 * };
 * ```
 */
export interface TurnBackend {
  /**
   * Runs one turn to its end: the reply, or a `CodexError` that says why
   * there is none. Aborting `request.signal` stops it. Throws a
   * {@linkcode BackendUnavailableError} when this backend cannot serve the
   * request at all (another may).
   */
  runTurn(request: TurnRequest): Promise<TurnResult>;
  /** What it can do (asked before a call, to refuse what it cannot). */
  capabilities(): Promise<BackendCapabilities>;
  /** Ends every process it owns (at shutdown). */
  close(): Promise<void>;
}

/**
 * The backend could not serve this request (it would not start, broke
 * before the turn began, or cannot run this kind of request): a fallback may.
 */
export class BackendUnavailableError extends Error {
  /** The request is of a kind this backend never serves (nothing broke). */
  readonly routine: boolean;

  /** Creates the error. */
  constructor(reason: string, options: { routine?: boolean } = {}) {
    super(reason);
    this.name = "BackendUnavailableError";
    this.routine = options.routine ?? false;
  }
}

/** Hears why the fallback serves a request. */
export type OnFallback = (
  why: BackendUnavailableError,
  request: TurnRequest,
) => void;

/**
 * Serves each request with `primary`, and with `fallback` when `primary`
 * is unavailable for it (saying why through `onFallback`).
 *
 * @example
 * ```ts ignore
 * const backend = new FallbackBackend(appServer, exec, (why) => console.error(why.message));
 * ```
 */
export class FallbackBackend implements TurnBackend {
  readonly #primary: TurnBackend;
  readonly #fallback: TurnBackend;
  readonly #onFallback: OnFallback;

  /** Creates the pair. */
  constructor(
    primary: TurnBackend,
    fallback: TurnBackend,
    onFallback: OnFallback,
  ) {
    this.#primary = primary;
    this.#fallback = fallback;
    this.#onFallback = onFallback;
  }

  /** Runs the turn on the primary backend, else on the fallback. */
  async runTurn(request: TurnRequest): Promise<TurnResult> {
    try {
      return await this.#primary.runTurn(request);
    } catch (error) {
      if (!(error instanceof BackendUnavailableError)) throw error;
      this.#onFallback(error, request);
    }
    return await this.#fallback.runTurn(request);
  }

  /** The primary's: whatever it cannot do is refused, not sent to the fallback. */
  capabilities(): Promise<BackendCapabilities> {
    return this.#primary.capabilities();
  }

  /** Closes both. */
  async close(): Promise<void> {
    await Promise.all([this.#primary.close(), this.#fallback.close()]);
  }
}
