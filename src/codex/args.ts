/**
 * What a turn may ask of Codex beyond its prompt, and the argument vector of
 * one `codex exec` turn. Pure.
 *
 * @module
 */

import type { WorkspaceWriteSettings } from "./user_config.ts";

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

/** Codex's sandbox modes, from the least to the most power. */
export const SANDBOX_MODES = [
  "read-only",
  "workspace-write",
  "danger-full-access",
] as const;

/** One of {@linkcode SANDBOX_MODES}. */
export type SandboxMode = typeof SANDBOX_MODES[number];

/** What one call's Codex may do, decided once before Codex runs. */
export interface CodexPolicy {
  /** Passed explicitly to every process, thread and turn. */
  sandbox: SandboxMode;
  /** In force when `sandbox` is `workspace-write`. */
  workspaceWrite: WorkspaceWriteSettings;
  /** Configuration overrides for every Codex process and thread of the call. */
  configOverrides: readonly ConfigOverride[];
}

/** A TOML value (what a configuration override sets). */
export type TomlValue =
  | string
  | number
  | boolean
  | readonly TomlValue[]
  | { readonly [key: string]: TomlValue };

/** One configuration override: a dotted key and its value. */
export type ConfigOverride = readonly [key: string, value: TomlValue];

/**
 * The overrides as Codex's command line takes them (`-c key=value`, the
 * value in TOML). JSON strings are TOML basic strings.
 *
 * @example
 * ```ts
 * import { configFlags } from "./args.ts";
 * configFlags([["shell_environment_policy.exclude", ["DB_PASSWORD"]]]);
 * // ["-c", 'shell_environment_policy.exclude=["DB_PASSWORD"]']
 * ```
 */
export function configFlags(overrides: readonly ConfigOverride[]): string[] {
  return overrides.flatMap(([key, value]) => ["-c", `${key}=${toml(value)}`]);
}

function toml(value: TomlValue): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value !== "object") return String(value);
  if (Array.isArray(value)) return `[${value.map(toml).join(",")}]`;
  return `{${
    Object.entries(value).map(([key, item]) =>
      `${JSON.stringify(key)}=${toml(item)}`
    )
      .join(",")
  }}`;
}

/** What Codex's built-in reviewer looks at. */
export type ReviewTarget =
  | { type: "uncommitted" }
  | { type: "base_branch"; branch: string }
  | { type: "commit"; sha: string; title?: string };

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
  /** The sandbox (`-s`, which 0.77.0 lets no profile override) and overrides (`-c`). */
  policy: Pick<CodexPolicy, "sandbox" | "configOverrides">;
  /** Absolute paths of images for the prompt (`--image=…`, one each). */
  images?: readonly string[];
  /** A file holding the reply's JSON Schema (`--output-schema`). */
  outputSchemaFile?: string;
  /** Run Codex's reviewer on this target instead of a prompt (`review`). */
  review?: ReviewTarget;
  /** Start a new session that carries `sessionId`'s turns (`fork`). */
  fork?: boolean;
  /** Run no turn (a fork that only copies the session): no `-` prompt. */
  withoutPrompt?: boolean;
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
 *   sessionId: "0199…",
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
  args.push(
    "-s",
    request.policy.sandbox,
    ...configFlags(request.policy.configOverrides),
  );
  for (const image of request.images ?? []) args.push(`--image=${image}`);
  if (request.outputSchemaFile !== undefined) {
    args.push(`--output-schema=${request.outputSchemaFile}`);
  }
  if (request.review !== undefined) {
    return [...args, "review", ...reviewArgs(request.review)];
  }
  if (request.sessionId !== undefined) {
    args.push(request.fork ? "fork" : "resume", request.sessionId);
  }
  if (!request.withoutPrompt) args.push("-");
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
