/**
 * What a turn may ask of Codex beyond its prompt, whichever backend runs it:
 * model settings, the sandbox and configuration overrides, a review target.
 * Pure.
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

/** Codex's sandbox modes, from the least to the most power. */
export const SANDBOX_MODES = [
  "read-only",
  "workspace-write",
  "danger-full-access",
] as const;

/** One of {@linkcode SANDBOX_MODES}. */
export type SandboxMode = typeof SANDBOX_MODES[number];

/** `[sandbox_workspace_write]`, with Codex's defaults filled in. */
export interface WorkspaceWriteSettings {
  /** `writable_roots`: more directories Codex may write. */
  writableRoots: string[];
  /** `network_access`. */
  networkAccess: boolean;
  /** `exclude_tmpdir_env_var`: keep `$TMPDIR` shut. */
  excludeTmpdirEnvVar: boolean;
  /** `exclude_slash_tmp`: keep `/tmp` shut. */
  excludeSlashTmp: boolean;
}

/** What one call's Codex may do, decided once before Codex runs. */
export interface CodexPolicy {
  /** Passed explicitly to every process, thread and turn. */
  sandbox: SandboxMode;
  /** In force when `sandbox` is `workspace-write`. */
  workspaceWrite: WorkspaceWriteSettings;
  /** Configuration overrides for every Codex process and thread of the call. */
  configOverrides: readonly ConfigOverride[];
  /**
   * Variables of the server's environment Codex's own process does not get
   * (secrets it does not read itself; those it reads stay out of its shell).
   */
  hiddenFromCodex: readonly string[];
  /**
   * Directories the sandboxed shell must not read (Codex's home), where
   * Codex can deny reads (see `permission_profile.ts`).
   */
  unreadable: readonly string[];
  /**
   * Set when the sandbox is a permission profile among `configOverrides`:
   * then no `-s`, thread `sandbox` or turn `sandboxPolicy` is passed, since
   * each would replace the profile.
   */
  byProfile?: boolean;
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
 * import { configFlags } from "./turn_options.ts";
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
