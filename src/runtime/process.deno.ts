/**
 * {@linkcode SpawnProcess} on Deno, with `Deno.Command`.
 *
 * @module
 */

import {
  type ChildExit,
  type ChildProcess,
  ExecutableNotFoundError,
  type SpawnOptions,
  TREE_MARKER_VARIABLE,
} from "./types.ts";

/**
 * Starts a child in a new session and process group (`detached`), so that
 * {@linkcode ChildProcess.killTree} reaches every process it started.
 *
 * @example
 * ```ts
 * import { spawnProcess } from "./process.deno.ts";
 * const child = spawnProcess("echo", ["hi"]);
 * await child.stdin.close();
 * console.log(await child.exited); // { code: 0, signal: null }
 * ```
 */
export function spawnProcess(
  command: string,
  args: string[],
  options: SpawnOptions = {},
): ChildProcess {
  const marker = `${TREE_MARKER_VARIABLE}=${Deno.pid}-${++spawnCount}`;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, {
      args,
      env: { ...options.env, [TREE_MARKER_VARIABLE]: marker.split("=")[1] },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
  } catch (error) {
    if (
      error instanceof Deno.errors.NotFound ||
      error instanceof Deno.errors.PermissionDenied
    ) {
      throw new ExecutableNotFoundError(command, error.message);
    }
    throw error;
  }
  const exited: Promise<ChildExit> = child.status.then((status) => ({
    code: status.signal === null ? status.code : null,
    signal: status.signal,
  }));
  let done = false;
  exited.finally(() => done = true);
  return {
    pid: child.pid,
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    killTree(signal) {
      // The group id is only ours while the child lives; the marker always is.
      const targets = done ? [] : [-child.pid];
      targets.push(...processesWithMarker(`${marker}\0`));
      for (const pid of targets) {
        try {
          Deno.kill(pid, signal);
        } catch {
          // Already gone.
        }
      }
    },
  };
}

let spawnCount = 0;

/** Pids whose environment holds `entry` (none where there is no /proc). */
function processesWithMarker(entry: string): number[] {
  const pids: number[] = [];
  try {
    for (const { name } of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      try {
        if (Deno.readTextFileSync(`/proc/${name}/environ`).includes(entry)) {
          pids.push(Number(name));
        }
      } catch {
        // It ended while we looked, or is not ours to read.
      }
    }
  } catch {
    // No /proc (macOS): the process group alone is signalled.
  }
  return pids;
}
