/**
 * {@linkcode SpawnProcess} on Node, with `child_process` (swapped in for
 * process.deno.ts by the npm build).
 *
 * @module
 */

import { spawn } from "node:child_process";
import process from "node:process";
import { Readable, Writable } from "node:stream";
import { without } from "./env.ts";
import {
  type ChildExit,
  ExecutableNotFoundError,
  type SpawnProcess,
} from "./types.ts";

/** Starts a child in a new process group, like the Deno version. */
export const spawnProcess: SpawnProcess = (command, args, options = {}) => {
  const child = spawn(command, args, {
    env: {
      ...without(process.env, options.withoutEnv ?? []),
      ...options.env,
    },
    cwd: options.cwd,
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  if (child.pid === undefined) {
    // The spawn failed (ENOENT, EACCES); Node reports it as an event too.
    child.on("error", () => {});
    throw new ExecutableNotFoundError(command, "no such executable");
  }
  const exited = new Promise<ChildExit>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  return {
    pid: child.pid,
    stdin: Writable.toWeb(child.stdin!) as WritableStream<Uint8Array>,
    stdout: Readable.toWeb(child.stdout!) as ReadableStream<Uint8Array>,
    stderr: Readable.toWeb(child.stderr!) as ReadableStream<Uint8Array>,
    exited,
  };
};
