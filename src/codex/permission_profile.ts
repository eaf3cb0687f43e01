/**
 * The sandbox as a permission profile, for the Codex versions that can deny
 * reads: a sandboxed command then cannot read Codex's home (the user's key
 * in `auth.json`, every session's transcript). Older versions only know
 * sandbox modes, under which the whole disk is readable. Pure.
 *
 * @module
 */

import type { CodexPolicy, ConfigOverride, TomlValue } from "./turn_options.ts";
import { versionAtLeast } from "./version.ts";

/** The first Codex whose permission profiles deny reads (`"none"`). */
export const READ_DENIAL_SINCE = "0.171.0";

/** Our profile's name, among the user's own `[permissions.*]`. */
const PROFILE = "codex-persistent-mcp";

/**
 * `policy` as Codex `version` takes it for a turn in `cwd`: from
 * {@linkcode READ_DENIAL_SINCE} on, a sandboxed policy becomes a profile
 * that extends the built-in one of its mode, keeps the user's
 * `[sandbox_workspace_write]` (which built-in profiles ignore), and denies
 * every `unreadable` directory. `danger-full-access`, older versions, and
 * a turn where Codex may ask the human (`mayAsk`) keep the sandbox mode:
 * under a profile, Codex 0.171.0 runs a command the human approved to leave
 * the sandbox inside it all the same (measured), so approvals would decide
 * nothing.
 *
 * @example
 * ```ts
 * import { forCodexVersion } from "./permission_profile.ts";
 * const policy = forCodexVersion({
 *   sandbox: "read-only",
 *   workspaceWrite: {
 *     writableRoots: [], networkAccess: false,
 *     excludeTmpdirEnvVar: false, excludeSlashTmp: false,
 *   },
 *   configOverrides: [],
 *   hiddenFromCodex: [],
 *   unreadable: ["/home/me/.codex"],
 * }, "/repo", "0.171.0", false);
 * policy.byProfile; // true
 * ```
 */
export function forCodexVersion(
  policy: CodexPolicy,
  cwd: string,
  version: string | undefined,
  mayAsk: boolean,
): CodexPolicy {
  if (
    policy.sandbox === "danger-full-access" || policy.byProfile || mayAsk ||
    !versionAtLeast(version, READ_DENIAL_SINCE)
  ) return policy;
  const filesystem: Record<string, TomlValue> = {};
  let network = false;
  if (policy.sandbox === "workspace-write") {
    const settings = policy.workspaceWrite;
    // The cwd by name too: a warm thread keeps the workspace it started in.
    for (const root of [cwd, ...settings.writableRoots]) {
      filesystem[root] = "write";
    }
    filesystem[":slash_tmp"] = settings.excludeSlashTmp ? "read" : "write";
    filesystem[":tmpdir"] = settings.excludeTmpdirEnvVar ? "read" : "write";
    network = settings.networkAccess;
  }
  // Set last: a directory that is both stays denied.
  for (const dir of policy.unreadable) filesystem[dir] = "none";
  const profile: ConfigOverride[] = [
    ["default_permissions", PROFILE],
    [
      `permissions.${PROFILE}.extends`,
      policy.sandbox === "workspace-write" ? ":workspace" : ":read-only",
    ],
    [`permissions.${PROFILE}.filesystem`, filesystem],
    [`permissions.${PROFILE}.network.enabled`, network],
  ];
  return {
    ...policy,
    configOverrides: [...policy.configOverrides, ...profile],
    byProfile: true,
  };
}
