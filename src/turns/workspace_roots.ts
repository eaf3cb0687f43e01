/**
 * Where Codex may work: a call's directory must lie inside one of the roots
 * the user allows (`CODEX_PERSISTENT_MCP_ROOTS`, default the directory the
 * server was started in), and is never `/`, the user's home itself, Codex's
 * home, or a folder around or inside it. Checked on the real path, before
 * Codex runs: under `workspace-write` Codex may write everywhere below it.
 *
 * @module
 */

import type { Config } from "../config.ts";
import { CodexError } from "../errors.ts";
import { isWithin, realPaths } from "../paths.ts";
import { realPath } from "../runtime/fs.ts";
import { describeRoots, realRoots } from "../store/session_roots.ts";

/** The user's bounds on directories. */
export interface WorkspaceBounds {
  /** Absolute paths; a call's directory must lie inside one. */
  roots: readonly string[];
  /** The user's home (`HOME`), never a working directory itself. */
  home?: string;
  /** Codex's home: never inside a working directory, nor one itself. */
  codexHome: string;
}

/**
 * The directory bounds in the server's settings.
 *
 * @example
 * ```ts
 * import { workspaceBounds } from "./workspace_roots.ts";
 * import { loadConfig } from "../config.ts";
 * workspaceBounds(loadConfig({ HOME: "/home/me" }, "/home/me/src")).roots; // ["/home/me/src"]
 * ```
 */
export function workspaceBounds(config: Config): WorkspaceBounds {
  const { roots, home, codexHome } = config;
  return { roots, home, codexHome };
}

/**
 * Refuses, at start-up, roots whose real path is `/` (a link to it); the
 * error names the setting.
 *
 * @example
 * ```ts ignore
 * await checkRoots(["/home/me/to-root"]); // throws: really /
 * ```
 */
export async function checkRoots(roots: readonly string[]): Promise<void> {
  for (const root of roots) {
    if (await realPath(root) === "/") {
      throw new Error(
        `CODEX_PERSISTENT_MCP_ROOTS is not valid: ${root} is really / and would let Codex work anywhere; give the directories Codex may work in.`,
      );
    }
  }
}

/**
 * Checks an existing directory's real path against the bounds and returns
 * it; throws `not_allowed` naming the setting.
 *
 * @example
 * ```ts ignore
 * await boundedDirectory("/home/me/repo", { roots: ["/home/me"], home: "/home/me", codexHome: "/home/me/.codex" });
 * // "/home/me/repo"; "/home/me" itself or "/" would throw
 * ```
 */
export async function boundedDirectory(
  path: string,
  bounds: WorkspaceBounds,
  sessionId?: string,
): Promise<string> {
  const real = await realPath(path) ?? path;
  const [codexHome = bounds.codexHome] = await realPaths([bounds.codexHome]);
  const [home] = await realPaths(bounds.home ? [bounds.home] : []);
  const roots = await realRoots(bounds.roots);
  const refuse = (problem: string, hint: string): never => {
    throw new CodexError(
      "not_allowed",
      `cwd ${JSON.stringify(path)}${
        real === path ? "" : ` (really ${real})`
      } ${problem}.`,
      { sessionId, hint },
    );
  };
  const rootsHint = `Pass a cwd inside ${
    describeRoots(bounds.roots)
  }. Only the user can add roots, by setting CODEX_PERSISTENT_MCP_ROOTS (a ':'-separated list of directories) in the server's environment.`;
  if (real === "/") refuse("is the root of the file system", rootsHint);
  if (home !== undefined && real === home) {
    refuse("is the user's home directory", rootsHint);
  }
  if (isWithin(codexHome, real) || isWithin(real, codexHome)) {
    refuse(
      `would let Codex reach its own home (${codexHome}), where its configuration lives`,
      rootsHint,
    );
  }
  if (!roots.some((root) => isWithin(real, root))) {
    refuse(
      "is outside the directories this server may work in (CODEX_PERSISTENT_MCP_ROOTS)",
      rootsHint,
    );
  }
  return real;
}
