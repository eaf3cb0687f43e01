/**
 * The roots as the session store applies them: it shows (and the server
 * continues) only sessions whose recorded directory lies inside them.
 *
 * @module
 */

import { CodexError } from "../errors.ts";
import { isWithin, realPaths } from "../paths.ts";

/**
 * The roots' real paths. A root that is really `/` (a link to it) would let
 * Codex work anywhere: `checkRoots` refuses it at start-up, and should the
 * link change later it bounds nothing here.
 */
export async function realRoots(roots: readonly string[]): Promise<string[]> {
  return (await realPaths(roots)).filter((root) => root !== "/");
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

/** The roots, in words, for errors and hints. */
export function describeRoots(roots: readonly string[]): string {
  return roots.length === 0
    ? "an allowed root (none is set: the server was started in /)"
    : `one of: ${roots.join(", ")}`;
}
