/**
 * The one effective sandbox of a call, computed once before Codex runs and
 * passed explicitly to every Codex process, thread and turn: the lower of
 * what the call asks for (else the user's own default) and the user's
 * ceiling, with the user's `[sandbox_workspace_write]` settings kept. Also
 * the `-c` overrides that keep what a call writes from raising what a later
 * call may do: Codex's home never becomes writable, project `.codex/`
 * configs (which a `workspace-write` call can create) are not loaded, and
 * the server's secrets stay out of Codex's shell.
 *
 * @module
 */

import {
  type CodexPolicy,
  type ConfigOverride,
  SANDBOX_MODES,
  type SandboxMode,
  type WorkspaceWriteSettings,
} from "../codex/turn_options.ts";
import {
  readUserCodexConfig,
  type UserCodexConfig,
} from "../codex/user_config.ts";
import type { Config } from "../config.ts";
import { CodexError } from "../errors.ts";
import type { PlaceClaim } from "./place_leases.ts";
import { posix } from "node:path";
import { isWithin, realPaths } from "../paths.ts";

export type { CodexPolicy };

/** The user's settings a policy is bounded by. */
export interface PolicyBounds {
  /** `CODEX_PERSISTENT_MCP_MAX_SANDBOX`. */
  ceiling: SandboxMode;
  codexHome: string;
  /** `$TMPDIR` as Codex will see it. */
  tmpdir?: string;
  /** Environment variables kept out of Codex's shell. */
  hiddenEnv: readonly string[];
  /** `CODEX_PERSISTENT_MCP_PROJECT_CONFIG=on`: load project `.codex/` configs. */
  loadProjectConfig: boolean;
  /**
   * The server's own directories (its settings and token, its cache of
   * session previews): unreadable to Codex where it can deny reads.
   */
  ownDirs: readonly string[];
}

/**
 * The policy bounds in the server's settings.
 *
 * @example
 * ```ts
 * import { policyBounds } from "./codex_policy.ts";
 * import { loadConfig } from "../config.ts";
 * policyBounds(loadConfig({ HOME: "/home/me" })).ceiling; // "workspace-write"
 * ```
 */
export function policyBounds(config: Config): PolicyBounds {
  const { maxSandbox, codexHome, tmpdir, hiddenEnv, loadProjectConfig } =
    config;
  return {
    ceiling: maxSandbox,
    codexHome,
    tmpdir,
    hiddenEnv,
    loadProjectConfig,
    ownDirs: [config.configDir, posix.dirname(config.sessionCachePath)],
  };
}

/** The places, as real paths, that decide whether Codex's home is safe. */
export interface PolicyPlaces {
  codexHome: string;
  slashTmp?: string;
  tmpdir?: string;
  /** The user's `writable_roots`, real. */
  writableRoots: string[];
}

/**
 * Reads the user's Codex configuration and computes the call's policy.
 *
 * @example
 * ```ts ignore
 * const policy = await resolvePolicy("workspace-write", bounds);
 * policy.sandbox; // "workspace-write"
 * ```
 */
export async function resolvePolicy(
  requested: SandboxMode | undefined,
  bounds: PolicyBounds,
  sessionId?: string,
): Promise<CodexPolicy> {
  const user = await readUserCodexConfig(bounds.codexHome);
  const [codexHome = bounds.codexHome] = await realPaths([bounds.codexHome]);
  const [slashTmp] = await realPaths(["/tmp"]);
  const [tmpdir] = await realPaths(bounds.tmpdir ? [bounds.tmpdir] : []);
  const writableRoots = await realPaths(user.workspaceWrite.writableRoots);
  return codexPolicy(
    requested,
    user,
    bounds,
    { codexHome, slashTmp, tmpdir, writableRoots },
    sessionId,
  );
}

/**
 * The policy, pure. Throws `not_allowed` when the call asks above the
 * ceiling, or when the user's own `writable_roots` would open Codex's home.
 *
 * @example
 * ```ts
 * import { codexPolicy } from "./codex_policy.ts";
 * import { parseUserCodexConfig } from "../codex/user_config.ts";
 * const policy = codexPolicy(
 *   undefined,
 *   parseUserCodexConfig('sandbox_mode = "danger-full-access"'),
 *   { ceiling: "workspace-write", codexHome: "/home/me/.codex", hiddenEnv: [], loadProjectConfig: false, ownDirs: [] },
 *   { codexHome: "/home/me/.codex", writableRoots: [] },
 * );
 * policy.sandbox; // "workspace-write": the user's default, held to the ceiling
 * ```
 */
export function codexPolicy(
  requested: SandboxMode | undefined,
  user: UserCodexConfig,
  bounds: PolicyBounds,
  places: PolicyPlaces,
  sessionId?: string,
): CodexPolicy {
  const rank = (mode: SandboxMode): number => SANDBOX_MODES.indexOf(mode);
  if (requested !== undefined && rank(requested) > rank(bounds.ceiling)) {
    throw new CodexError(
      "not_allowed",
      `sandbox "${requested}" is above what this server allows ("${bounds.ceiling}", CODEX_PERSISTENT_MCP_MAX_SANDBOX).`,
      {
        sessionId,
        hint:
          `Ask for "${bounds.ceiling}" or less. Only the user can raise the ceiling, by setting CODEX_PERSISTENT_MCP_MAX_SANDBOX in the server's environment.`,
      },
    );
  }
  // A config Codex cannot read decides nothing: the least power.
  const wanted = requested ??
    (user.problem ? "read-only" : user.sandboxMode ?? "read-only");
  const sandbox = rank(wanted) <= rank(bounds.ceiling)
    ? wanted
    : bounds.ceiling;
  const { codexHome } = places;
  const opens = (dir: string | undefined): boolean =>
    dir !== undefined && (isWithin(codexHome, dir) || isWithin(dir, codexHome));
  if (sandbox === "workspace-write") {
    const root = places.writableRoots.find(opens);
    if (root !== undefined) {
      throw new CodexError(
        "not_allowed",
        `workspace-write would let Codex write to its own home (${codexHome}): the writable root ${root} in [sandbox_workspace_write] of ${bounds.codexHome}/config.toml reaches it.`,
        {
          sessionId,
          hint:
            'Ask for sandbox "read-only", or (the user) remove that root from writable_roots.',
        },
      );
    }
  }
  const workspaceWrite: WorkspaceWriteSettings = {
    ...user.workspaceWrite,
    // Codex's default roots /tmp and $TMPDIR stay shut when its home is there.
    excludeSlashTmp: user.workspaceWrite.excludeSlashTmp ||
      opens(places.slashTmp),
    excludeTmpdirEnvVar: user.workspaceWrite.excludeTmpdirEnvVar ||
      opens(places.tmpdir),
  };
  const needed = new Set(user.credentialEnv);
  return {
    sandbox,
    workspaceWrite,
    configOverrides: configOverrides(user, bounds, workspaceWrite),
    hiddenFromCodex: bounds.hiddenEnv.filter((name) => !needed.has(name)),
    // Its key, its config and every other session's transcript.
    unreadable: [...new Set([codexHome, bounds.codexHome, ...bounds.ownDirs])],
  };
}

function configOverrides(
  user: UserCodexConfig,
  bounds: PolicyBounds,
  workspace: WorkspaceWriteSettings,
): ConfigOverride[] {
  const overrides: ConfigOverride[] = [
    // Codex 0.77.0 snapshots the repository before a turn with its own git
    // commands, outside the sandbox: a repository's config (core.fsmonitor,
    // filters, hooks) that an earlier turn planted would run there.
    ["features.undo", false],
    [
      "sandbox_workspace_write",
      {
        writable_roots: workspace.writableRoots,
        network_access: workspace.networkAccess,
        exclude_tmpdir_env_var: workspace.excludeTmpdirEnvVar,
        exclude_slash_tmp: workspace.excludeSlashTmp,
      },
    ],
  ];
  const hidden = [
    ...new Set([...user.shellEnvironmentExclude, ...bounds.hiddenEnv]),
  ];
  if (hidden.length > 0) {
    overrides.push(["shell_environment_policy.exclude", hidden]);
  }
  // Codex loads a project's .codex/config.toml (MCP servers it spawns
  // outside the sandbox, its sandbox_mode) only for trusted projects.
  if (!bounds.loadProjectConfig && user.projects.length > 0) {
    overrides.push([
      "projects",
      Object.fromEntries(
        user.projects.map((path) => [path, { trust_level: "untrusted" }]),
      ),
    ]);
  }
  return overrides;
}

/**
 * The place a turn under `policy` claims while it runs: its `cwd` (a real
 * path) and, unless it is read-only, the real directories its sandbox lets
 * it write in. (`danger-full-access` can write anywhere: with that ceiling
 * nothing is bounded, and it claims what `workspace-write` would.)
 *
 * @example
 * ```ts ignore
 * await placeClaim("/repo", policy, "/var/tmp/me");
 * // { cwd: "/repo", writable: ["/repo", "/tmp", "/var/tmp/me"] }
 * ```
 */
export async function placeClaim(
  cwd: string,
  policy: CodexPolicy,
  tmpdir: string | undefined,
): Promise<PlaceClaim> {
  if (policy.sandbox === "read-only") return { cwd, writable: [] };
  const { excludeSlashTmp, excludeTmpdirEnvVar, writableRoots } =
    policy.workspaceWrite;
  const beyond = await realPaths([
    ...(excludeSlashTmp ? [] : ["/tmp"]),
    ...(excludeTmpdirEnvVar || tmpdir === undefined ? [] : [tmpdir]),
    ...writableRoots,
  ]);
  return { cwd, writable: [cwd, ...beyond] };
}
