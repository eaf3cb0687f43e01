/**
 * Ending a child's whole process tree, the same way everywhere.
 *
 * @module
 */

import type { ChildExit, ChildProcess } from "./types.ts";

/** How long a tree gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 500;

/**
 * SIGTERM to the child and everything it started, SIGKILL after
 * {@linkcode KILL_GRACE_MS} if it lingers, and once it has exited a last
 * SIGKILL for orphans it left behind. Resolves with the child's exit.
 *
 * @example
 * ```ts ignore
 * import { terminateTree } from "./terminate.ts";
 * const exit = await terminateTree(child);
 * ```
 */
export async function terminateTree(child: ChildProcess): Promise<ChildExit> {
  child.killTree("SIGTERM");
  const timer = setTimeout(() => child.killTree("SIGKILL"), KILL_GRACE_MS);
  const exit = await child.exited;
  clearTimeout(timer);
  child.killTree("SIGKILL");
  return exit;
}
