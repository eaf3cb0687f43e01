/**
 * Which Codex is installed, and what it can do. Checked on the two pinned
 * versions: 0.169.0 has `codex exec fork`, `thread/fork` and
 * `turn/start.outputSchema`; 0.77.0 has none of them. Versions in between
 * are treated as lacking them (a clear error, or exec instead), never as
 * having them.
 *
 * @module
 */

import { startProcess } from "../runtime/process_tree.ts";

/** The first Codex version known to fork sessions. */
export const FORK_SINCE = "0.169.0";
/** The first Codex version known to take `outputSchema` on `turn/start`. */
export const APP_SERVER_OUTPUT_SCHEMA_SINCE = "0.169.0";

/**
 * The `x.y.z` in a version string ("codex-cli 0.169.0", a user agent
 * "codex_cli_rs/0.77.0 (Debian…)"), or `undefined`.
 *
 * @example
 * ```ts
 * import { parseCodexVersion } from "./version.ts";
 * parseCodexVersion("codex-cli 0.169.0"); // "0.169.0"
 * ```
 */
export function parseCodexVersion(text: string): string | undefined {
  return text.match(/(\d+\.\d+\.\d+)/)?.[1];
}

/**
 * Whether `version` is `since` or newer (an unknown version is not).
 *
 * @example
 * ```ts
 * import { versionAtLeast } from "./version.ts";
 * versionAtLeast("0.77.0", "0.169.0"); // false
 * ```
 */
export function versionAtLeast(
  version: string | undefined,
  since: string,
): boolean {
  if (version === undefined) return false;
  const [a, b] = [version, since].map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) {
    if (a[i] !== b[i]) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/**
 * The installed Codex's version, from `codex --version`; `undefined` when
 * it cannot be run or says no version.
 *
 * @example
 * ```ts ignore
 * import { probeCodexVersion } from "./version.ts";
 * await probeCodexVersion("codex"); // "0.169.0"
 * ```
 */
export async function probeCodexVersion(
  codexBin: string,
  env?: Record<string, string>,
): Promise<string | undefined> {
  try {
    const child = startProcess(codexBin, ["--version"], { env });
    await child.stdin.close().catch(() => {});
    child.stderr.pipeTo(new WritableStream()).catch(() => {});
    const output = await new Response(child.stdout).text();
    await child.exited;
    child.killTree("SIGKILL");
    return parseCodexVersion(output);
  } catch {
    return undefined;
  }
}
