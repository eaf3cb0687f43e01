/**
 * Child processes as whole trees: started with a marker in their
 * environment, ended with everything they started. The same on every
 * runtime; only the spawning itself goes through the seam.
 *
 * @module
 */

import process from "node:process";
import { listDirectorySync, readTextFileSync } from "./native_fs.deno.ts";
import { spawnProcess } from "./process.deno.ts";
import type {
  ChildExit,
  SpawnedChild,
  SpawnOptions,
  SpawnProcess,
} from "./types.ts";

/**
 * Set in every child's environment with a value unique to that child, so its
 * whole tree can be found and ended: Codex starts some helpers in sessions of
 * their own (0.169.0's shell snapshot), out of reach of a process-group
 * signal, and they outlive their parent as orphans.
 */
export const TREE_MARKER_VARIABLE = "CODEX_PERSISTENT_MCP_TREE";

/** How long a tree gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 500;

/** A running child whose whole process tree can be signalled. */
export interface ChildProcess extends SpawnedChild {
  /**
   * Signals the child and everything it started (the npm `codex` wrapper
   * runs the native binary, which runs shells), even after the child itself
   * has exited and left orphans behind.
   */
  killTree(signal: "SIGTERM" | "SIGKILL"): void;
}

/**
 * Starts `command` through `spawn` (default: this runtime's) with a tree
 * marker of its own.
 *
 * @example
 * ```ts
 * import { startProcess } from "./process_tree.ts";
 * const child = startProcess("sleep", ["30"]);
 * child.killTree("SIGTERM");
 * await child.exited; // { code: null, signal: "SIGTERM" }
 * ```
 */
export function startProcess(
  command: string,
  args: string[],
  options: SpawnOptions = {},
  spawn: SpawnProcess = spawnProcess,
): ChildProcess {
  // Unique enough: this process, this instant, and chance.
  const marker = `${process.pid}-${Date.now()}-${
    Math.random().toString(36).slice(2)
  }`;
  const child = spawn(command, args, {
    env: { ...options.env, [TREE_MARKER_VARIABLE]: marker },
    cwd: options.cwd,
    withoutEnv: options.withoutEnv,
  });
  let done = false;
  child.exited.finally(() => done = true);
  return {
    pid: child.pid,
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exited: child.exited,
    killTree(signal) {
      // The group id is only ours while the child lives; the marker always is.
      const targets = done || child.pid <= 0 ? [] : [-child.pid];
      targets.push(
        ...processesWithMarker(`${TREE_MARKER_VARIABLE}=${marker}\0`),
      );
      for (const pid of targets) {
        try {
          process.kill(pid, signal);
        } catch {
          // Already gone.
        }
      }
    },
  };
}

/**
 * SIGTERM to the child and everything it started, SIGKILL after
 * {@linkcode KILL_GRACE_MS} if it lingers, and once it has exited a last
 * SIGKILL for orphans it left behind. Resolves with the child's exit.
 *
 * @example
 * ```ts
 * import { startProcess, terminateTree } from "./process_tree.ts";
 * await terminateTree(startProcess("sleep", ["30"])); // { code: null, signal: "SIGTERM" }
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

/** Pids whose environment holds `entry` (none where there is no /proc). */
function processesWithMarker(entry: string): number[] {
  // No /proc (macOS): the process group alone is signalled.
  return listDirectorySync("/proc")
    .filter((name) =>
      /^\d+$/.test(name) &&
      // Unreadable when it ended while we looked, or is not ours.
      (readTextFileSync(`/proc/${name}/environ`)?.includes(entry) ?? false)
    )
    .map(Number);
}
