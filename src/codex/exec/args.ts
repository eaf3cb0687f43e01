/**
 * The argument vector of one `codex exec` turn. Pure.
 *
 * @module
 */

import {
  type CodexPolicy,
  configFlags,
  type ReviewTarget,
} from "../turn_options.ts";
import type { TurnRequest } from "../turn_request.ts";

/**
 * What one turn needs on Codex's command line: the shared turn request's
 * place, session, input, model, effort and images (`-C`, `resume <id>` or
 * `fork <id>`, `-` or `review`, `-m`, `-c model_reasoning_effort=…`,
 * `--image=…`), the sandbox (`-s`, which 0.77.0 lets no profile override)
 * and overrides (`-c`), and a file holding the reply's JSON Schema
 * (`--output-schema`).
 */
export interface ExecArgsRequest extends
  Pick<
    TurnRequest,
    "cwd" | "session" | "input" | "model" | "reasoningEffort" | "images"
  > {
  /** The sandbox (`-s`) and the overrides (`-c`). */
  policy: Pick<CodexPolicy, "sandbox" | "configOverrides" | "byProfile">;
  /** A file holding the reply's JSON Schema (`--output-schema`). */
  outputSchemaFile?: string;
}

/**
 * Returns the arguments after the executable. Every flag goes before the
 * subcommand (0.77.0 rejects `--json` and `-C` after `resume`, 0.169.0
 * rejects `-C`), values are bound to their flags (`--image=/a.png`), and the
 * prompt is never an argument: the final `-` makes Codex read it from stdin.
 * A review has no prompt: Codex writes its own.
 *
 * @example
 * ```ts
 * import { buildExecArgs } from "./args.ts";
 * buildExecArgs({
 *   cwd: "/repo",
 *   session: { kind: "resume", sessionId: "0199…", rolloutPath: "/r.jsonl" },
 *   input: { kind: "prompt", text: "hi" },
 *   policy: { sandbox: "read-only", configOverrides: [] },
 * });
 * // ["exec", "--skip-git-repo-check", "--json", "-C", "/repo",
 * //  "-s", "read-only", "resume", "0199…", "-"]
 * ```
 */
export function buildExecArgs(request: ExecArgsRequest): string[] {
  const args = ["exec", "--skip-git-repo-check", "--json", "-C", request.cwd];
  if (request.model !== undefined) args.push("-m", request.model);
  if (request.reasoningEffort !== undefined) {
    args.push("-c", `model_reasoning_effort="${request.reasoningEffort}"`);
  }
  // `-s` would replace a permission profile.
  if (!request.policy.byProfile) args.push("-s", request.policy.sandbox);
  args.push(...configFlags(request.policy.configOverrides));
  for (const image of request.images ?? []) args.push(`--image=${image}`);
  if (request.outputSchemaFile !== undefined) {
    args.push(`--output-schema=${request.outputSchemaFile}`);
  }
  // `codex exec review` always starts a new session (the service refuses a
  // review inside one on exec).
  if (request.input.kind === "review") {
    return [...args, "review", ...reviewArgs(request.input.target)];
  }
  if (request.session.kind === "resume") {
    args.push("resume", request.session.sessionId);
  } else if (request.session.kind === "fork") {
    args.push("fork", request.session.from);
  }
  if (request.input.kind === "prompt") args.push("-");
  return args;
}

function reviewArgs(target: ReviewTarget): string[] {
  switch (target.type) {
    case "uncommitted":
      return ["--uncommitted"];
    case "base_branch":
      return [`--base=${target.branch}`];
    case "commit":
      return [
        `--commit=${target.sha}`,
        ...(target.title === undefined ? [] : [`--title=${target.title}`]),
      ];
  }
}
