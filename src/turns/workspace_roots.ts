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
import { realPath } from "../runtime/fs.ts";

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
 * Whether `path` is `dir` or lies below it (both absolute and normalized).
 *
 * @example
 * ```ts
 * import { isWithin } from "./workspace_roots.ts";
 * isWithin("/repo/src", "/repo"); // true
 * isWithin("/repository", "/repo"); // false
 * ```
 */
export function isWithin(path: string, dir: string): boolean {
  if (dir === "/") return path.startsWith("/");
  return path === dir || path.startsWith(`${dir}/`);
}

/** The real paths of `paths` that exist. */
export async function realPaths(paths: readonly string[]): Promise<string[]> {
  const found = await Promise.all(paths.map(realPath));
  return found.filter((path): path is string => path !== undefined);
}

/**
 * The roots' real paths. A root that is really `/` (a link to it) would let
 * Codex work anywhere: `checkRoots` refuses it at start-up, and should the
 * link change later it bounds nothing here.
 */
export async function realRoots(roots: readonly string[]): Promise<string[]> {
  return (await realPaths(roots)).filter((root) => root !== "/");
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

/**
 * Whether a recorded directory lies inside the roots (lexically, for
 * listings: sessions elsewhere are not this server's to show).
 */
export function insideRoots(
  path: string | undefined,
  realRoots: readonly string[],
): boolean {
  return path !== undefined && realRoots.some((root) => isWithin(path, root));
}

/**
 * Refuses a stored session that works outside the roots: the session tools
 * show this server's sessions, not every session on the machine.
 *
 * @example
 * ```ts ignore
 * await requireSessionInRoots("/elsewhere", ["/home/me/src"], "01a2…"); // throws not_allowed
 * ```
 */
export async function requireSessionInRoots(
  cwd: string | undefined,
  roots: readonly string[],
  sessionId: string,
): Promise<void> {
  if (insideRoots(cwd, await realRoots(roots))) return;
  throw new CodexError(
    "not_allowed",
    `Session ${sessionId} works in ${
      cwd ?? "an unrecorded directory"
    }, outside the directories this server may work in (CODEX_PERSISTENT_MCP_ROOTS).`,
    {
      sessionId,
      hint: `This server only shows and continues sessions inside ${
        describeRoots(roots)
      }. Open it by hand with codex resume ${sessionId}.`,
    },
  );
}

function describeRoots(roots: readonly string[]): string {
  return roots.length === 0
    ? "an allowed root (none is set: the server was started in /)"
    : `one of: ${roots.join(", ")}`;
}
