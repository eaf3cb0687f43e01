/**
 * The exec backend: every turn is one `codex exec` process, which exits
 * when the turn ends, so there is nothing to keep warm or to close.
 *
 * @module
 */

import type { BackendCapabilities, TurnBackend } from "../backend.ts";
import { withReviewOutput } from "../review_output.ts";
import type { TurnRequest } from "../turn_request.ts";
import type { TurnResult } from "../verdict.ts";
import { probeCodexVersion } from "../version.ts";
import { runCodexTurn } from "./runner.ts";

/**
 * Runs each turn as a `codex exec` process.
 *
 * @example
 * ```ts ignore
 * const exec = new ExecBackend("codex", "/home/me/.codex");
 * const { sessionId, reply } = await exec.runTurn({ ...request });
 * ```
 */
export class ExecBackend implements TurnBackend {
  readonly #codexBin: string;
  readonly #codexHome: string;
  #version?: Promise<string | undefined>;

  /** Creates the backend for the Codex at `codexBin` and its home. */
  constructor(codexBin: string, codexHome: string) {
    this.#codexBin = codexBin;
    this.#codexHome = codexHome;
  }

  /** Runs the turn; a review reads its structured output from the store. */
  async runTurn(request: TurnRequest): Promise<TurnResult> {
    const result = await runCodexTurn(request);
    // `codex exec review` always starts a new session: look its file up.
    return request.input.kind !== "review"
      ? result
      : await withReviewOutput(result, this.#codexHome);
  }

  /** The installed version (asked once); reviews start new sessions. */
  async capabilities(): Promise<BackendCapabilities> {
    this.#version ??= probeCodexVersion(this.#codexBin);
    return { codexVersion: await this.#version, reviewsInSession: false };
  }

  /** Nothing outlives a turn here. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
