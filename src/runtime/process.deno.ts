/**
 * {@linkcode SpawnProcess} on Deno, with `Deno.Command`.
 *
 * @module
 */

import { without } from "./env.ts";
import {
  type ChildExit,
  ExecutableNotFoundError,
  type SpawnProcess,
} from "./types.ts";

/**
 * Starts a child in a new session and process group (`detached`), so that a
 * signal to the group reaches every process it started.
 *
 * @example
 * ```ts
 * import { spawnProcess } from "./process.deno.ts";
 * const child = spawnProcess("echo", ["hi"]);
 * await child.stdin.close();
 * await child.exited; // { code: 0, signal: null }
 * ```
 */
export const spawnProcess: SpawnProcess = (command, args, options = {}) => {
  let child: Deno.ChildProcess;
  try {
    const dropped = options.withoutEnv ?? [];
    child = new Deno.Command(command, {
      args,
      // The inherited environment less what is left out, when anything is.
      clearEnv: dropped.length > 0,
      env: dropped.length > 0
        ? { ...without(Deno.env.toObject(), dropped), ...options.env }
        : options.env,
      cwd: options.cwd,
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
  return {
    pid: child.pid,
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
  };
};
