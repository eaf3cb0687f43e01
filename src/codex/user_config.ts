/**
 * What the user's own Codex configuration (`$CODEX_HOME/config.toml`) says
 * about Codex's power, read with a real TOML parser: the default sandbox as
 * Codex resolves it (an active legacy profile first), the
 * `[sandbox_workspace_write]` settings, the projects the user trusts, and
 * the shell environment excludes. Only the user writes this file: the
 * server keeps Codex from writing it (see `codex_policy.ts`).
 *
 * @module
 */

import { parse } from "smol-toml";
import { isRecord } from "../json.ts";
import { readTextFileIfExists } from "../runtime/fs.ts";
import {
  SANDBOX_MODES,
  type SandboxMode,
  type WorkspaceWriteSettings,
} from "./turn_options.ts";

/** The parts of the user's Codex configuration that bound Codex's power. */
export interface UserCodexConfig {
  /** The sandbox Codex uses when none is given; absent: Codex's default (read-only). */
  sandboxMode?: SandboxMode;
  workspaceWrite: WorkspaceWriteSettings;
  /** Every path under `[projects]` (trusted or not). */
  projects: string[];
  /** `shell_environment_policy.exclude`. */
  shellEnvironmentExclude: string[];
  /**
   * Variables Codex itself reads secrets from: the model providers'
   * `env_key` and `env_http_headers`, the MCP servers' `env_vars` and
   * `bearer_token_env_var`, Codex's own API key variables and the proxies.
   */
  credentialEnv: string[];
  /** Why the file could not be read as TOML (Codex itself will refuse it too). */
  problem?: string;
}

/**
 * Reads `config.toml` in `codexHome`; a missing file is an empty
 * configuration.
 *
 * @example
 * ```ts ignore
 * const config = await readUserCodexConfig("/home/me/.codex");
 * config.sandboxMode; // "workspace-write"
 * ```
 */
export async function readUserCodexConfig(
  codexHome: string,
): Promise<UserCodexConfig> {
  return parseUserCodexConfig(
    await readTextFileIfExists(`${codexHome}/config.toml`),
  );
}

/**
 * Parses the text of a `config.toml`. A top-level `profile` selects a
 * `[profiles.NAME]` table whose `sandbox_mode` wins (Codex 0.77.0; newer
 * Codex refuses that key and runs nothing); other profiles are ignored.
 *
 * @example
 * ```ts
 * import { parseUserCodexConfig } from "./user_config.ts";
 * parseUserCodexConfig(`sandbox_mode = 'workspace-write'
 * [profiles.wild]
 * sandbox_mode = "danger-full-access"`).sandboxMode; // "workspace-write"
 * ```
 */
export function parseUserCodexConfig(
  text: string | undefined,
): UserCodexConfig {
  let table: Record<string, unknown> = {};
  let problem: string | undefined;
  try {
    table = parse(text ?? "");
  } catch (error) {
    problem = (error as Error).message.split("\n")[0];
  }
  const profiles = isRecord(table.profiles) ? table.profiles : {};
  const profile = typeof table.profile === "string"
    ? profiles[table.profile]
    : undefined;
  const workspace = isRecord(table.sandbox_workspace_write)
    ? table.sandbox_workspace_write
    : {};
  const shellPolicy = isRecord(table.shell_environment_policy)
    ? table.shell_environment_policy
    : {};
  return {
    sandboxMode: sandboxModeOf(isRecord(profile) ? profile : {}) ??
      sandboxModeOf(table),
    workspaceWrite: {
      writableRoots: strings(workspace.writable_roots),
      networkAccess: workspace.network_access === true,
      excludeTmpdirEnvVar: workspace.exclude_tmpdir_env_var === true,
      excludeSlashTmp: workspace.exclude_slash_tmp === true,
    },
    projects: isRecord(table.projects) ? Object.keys(table.projects) : [],
    shellEnvironmentExclude: strings(shellPolicy.exclude),
    credentialEnv: credentialEnvOf(table),
    problem,
  };
}

/**
 * What Codex itself reads, whatever the configuration says: its API key
 * variables, and the proxies it reaches the model through (a proxy URL may
 * carry a password).
 */
const CODEX_OWN_VARIABLES = [
  "OPENAI_API_KEY",
  "CODEX_API_KEY",
  ...["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"].flatMap((name) => [
    name,
    name.toLowerCase(),
  ]),
];

function credentialEnvOf(table: Record<string, unknown>): string[] {
  const entries = (value: unknown): Record<string, unknown>[] =>
    isRecord(value) ? Object.values(value).filter(isRecord) : [];
  const names = [
    ...CODEX_OWN_VARIABLES,
    ...entries(table.model_providers).flatMap((provider) => [
      ...strings([provider.env_key]),
      ...(isRecord(provider.env_http_headers)
        ? strings(Object.values(provider.env_http_headers))
        : []),
    ]),
    ...entries(table.mcp_servers).flatMap((server) => [
      ...strings(server.env_vars),
      ...strings([server.bearer_token_env_var]),
    ]),
  ];
  return [...new Set(names)];
}

function sandboxModeOf(
  table: Record<string, unknown>,
): SandboxMode | undefined {
  const mode = table.sandbox_mode;
  return (SANDBOX_MODES as readonly unknown[]).includes(mode)
    ? mode as SandboxMode
    : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : [];
}
