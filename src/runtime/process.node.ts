/**
 * {@linkcode SpawnProcess} on Node, with `child_process` (swapped in for
 * process.deno.ts by the npm build).
 *
 * @module
 */

import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";
import { Readable, Writable } from "node:stream";
import {
  type ChildExit,
  type ChildProcess,
  ExecutableNotFoundError,
  type SpawnOptions,
  TREE_MARKER_VARIABLE,
} from "./types.ts";

/** Starts a child in a new process group, like the Deno version. */
export function spawnProcess(
  command: string,
  args: string[],
  options: SpawnOptions = {},
): ChildProcess {
  const markerValue = `${process.pid}-${++spawnCount}`;
  const child = spawn(command, args, {
    env: {
      ...process.env,
      ...options.env,
      [TREE_MARKER_VARIABLE]: markerValue,
    },
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  if (child.pid === undefined) {
    // The spawn failed (ENOENT, EACCES); Node reports it as an event too.
    child.on("error", () => {});
    throw new ExecutableNotFoundError(command, "no such executable");
  }
  const pid = child.pid;
  let done = false;
  const exited = new Promise<ChildExit>((resolve) => {
    child.on("exit", (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  return {
    pid,
    stdin: Writable.toWeb(child.stdin!) as WritableStream<Uint8Array>,
    stdout: Readable.toWeb(child.stdout!) as ReadableStream<Uint8Array>,
    stderr: Readable.toWeb(child.stderr!) as ReadableStream<Uint8Array>,
    exited,
    killTree(signal) {
      // The group id is only ours while the child lives; the marker always is.
      const targets = done ? [] : [-pid];
      targets.push(
        ...processesWithMarker(`${TREE_MARKER_VARIABLE}=${markerValue}\0`),
      );
      for (const target of targets) {
        try {
          process.kill(target, signal);
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
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return []; // No /proc (macOS): the process group alone is signalled.
  }
  return names.filter((name) => {
    if (!/^\d+$/.test(name)) return false;
    try {
      return readFileSync(`/proc/${name}/environ`, "utf8").includes(entry);
    } catch {
      return false; // It ended while we looked, or is not ours to read.
    }
  }).map(Number);
}
