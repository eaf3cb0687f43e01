/**
 * The exec backend: every turn is one `codex exec` process, which exits
 * when the turn ends, so there is nothing to keep warm or to close.
 *
 * @module
 */

import type { BackendCapabilities, TurnBackend } from "../backend.ts";
import type { CodexInstall } from "../native_binary.ts";
import { endOrphanedHelpers } from "../orphan_helpers.ts";
import { forCodexVersion } from "../permission_profile.ts";
import { withReviewOutput } from "../review_output.ts";
import type { TurnRequest } from "../turn_request.ts";
import type { TurnResult } from "../verdict.ts";
import { runCodexTurn } from "./runner.ts";

/**
 * Runs each turn as a `codex exec` process.
 *
 * @example
 * ```ts ignore
 * const exec = new ExecBackend(new CodexInstall("codex"), "/home/me/.codex");
 * const { sessionId, reply } = await exec.runTurn({ ...request });
 * ```
 */
export class ExecBackend implements TurnBackend {
  readonly #codex: CodexInstall;
  readonly #codexHome: string;

  /** Creates the backend for the Codex `codex` names and its home. */
  constructor(codex: CodexInstall, codexHome: string) {
    this.#codex = codex;
    this.#codexHome = codexHome;
  }

  /** Runs the turn; a review reads its structured output from the store. */
  async runTurn(request: TurnRequest): Promise<TurnResult> {
    const command = await this.#codex.command();
    const policy = forCodexVersion(
      request.policy,
      request.cwd,
      await this.#codex.version(),
      false, // exec never asks
    );
    const result = await runCodexTurn({ ...request, policy }, command)
      .finally(() => endOrphanedHelpers(this.#codexHome));
    // `codex exec review` always starts a new session: look its file up.
    return request.input.kind !== "review"
      ? result
      : await withReviewOutput(result, this.#codexHome);
  }

  /** The installed version; reviews start new sessions. */
  async capabilities(): Promise<BackendCapabilities> {
    return {
      codexVersion: await this.#codex.version(),
      reviewsInSession: false,
    };
  }

  /** Nothing outlives a turn here. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
