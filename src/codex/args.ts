/**
 * Builds the argument vector for one `codex exec` turn. Pure.
 *
 * @module
 */

/** The reasoning efforts Codex accepts for `model_reasoning_effort`. */
export const REASONING_EFFORTS = [
  "none",
  "minimal",
  "low",
  "medium",
  "high",
  "xhigh",
] as const;

/** One of {@linkcode REASONING_EFFORTS}. */
export type ReasoningEffort = typeof REASONING_EFFORTS[number];

/** What one turn needs on Codex's command line. */
export interface ExecArgsRequest {
  /** The working directory Codex runs in (`-C`). */
  cwd: string;
  /** Continue this session; omit to start a new one. */
  sessionId?: string;
  /** Per-turn model override (`-m`). */
  model?: string;
  /** Per-turn reasoning effort (`-c model_reasoning_effort=…`). */
  reasoningEffort?: ReasoningEffort;
}

/**
 * Returns the arguments after the executable. Every flag goes before `resume`
 * (0.77.0 rejects `--json` and `-C` after it, 0.169.0 rejects `-C`), and the
 * prompt is never an argument: the final `-` makes Codex read it from stdin.
 *
 * @example
 * ```ts
 * import { buildExecArgs } from "./args.ts";
 * buildExecArgs({ cwd: "/repo", sessionId: "0199…" });
 * // ["exec", "--skip-git-repo-check", "--json", "-C", "/repo",
 * //  "resume", "0199…", "-"]
 * ```
 */
export function buildExecArgs(request: ExecArgsRequest): string[] {
  const args = ["exec", "--skip-git-repo-check", "--json", "-C", request.cwd];
  if (request.model !== undefined) args.push("-m", request.model);
  if (request.reasoningEffort !== undefined) {
    args.push("-c", `model_reasoning_effort="${request.reasoningEffort}"`);
  }
  if (request.sessionId !== undefined) args.push("resume", request.sessionId);
  args.push("-");
  return args;
}
