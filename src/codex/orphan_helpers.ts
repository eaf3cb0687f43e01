/**
 * Codex 0.171.0's filesystem helpers (`codex --codex-run-as-fs-helper`,
 * each in a bubblewrap sandbox of its own, started for permission
 * profiles) can outlive the Codex that started them: measured in reviews,
 * forks and patches, a few per hundred turns. They run in a session of
 * their own with an empty environment, out of reach of the process tree's
 * marker, and would pile up for as long as the server runs. After a Codex
 * of ours ends, the helpers left without their Codex are ended.
 *
 * @module
 */

import process from "node:process";
import {
  listDirectorySync,
  readTextFileSync,
} from "../runtime/native_fs.deno.ts";

const HELPER_FLAG = "--codex-run-as-fs-helper";

/** A process's command line, its arguments joined by spaces. */
function commandLine(pid: string): string {
  return (readTextFileSync(`/proc/${pid}/cmdline`) ?? "").replaceAll("\0", " ");
}

/**
 * Pids of filesystem helpers for Codex home `codexHome` whose parent is no
 * longer a Codex (it exited: they were handed to init or a subreaper).
 * None where there is no `/proc`.
 *
 * @example
 * ```ts
 * import { orphanedHelpers } from "./orphan_helpers.ts";
 * orphanedHelpers("/home/me/.codex"); // [] (none left behind)
 * ```
 */
export function orphanedHelpers(codexHome: string): number[] {
  return listDirectorySync("/proc").filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    const command = commandLine(pid);
    if (!command.includes(HELPER_FLAG) || !command.includes(`${codexHome}/`)) {
      return false;
    }
    const parent = readTextFileSync(`/proc/${pid}/status`)
      ?.match(/^PPid:\s+(\d+)/m)?.[1];
    return parent !== undefined && !/codex/.test(commandLine(parent));
  }).map(Number);
}

/**
 * Ends the helpers {@linkcode orphanedHelpers} finds (with their sandbox,
 * which dies with them).
 *
 * @example
 * ```ts ignore
 * endOrphanedHelpers("/home/me/.codex");
 * ```
 */
export function endOrphanedHelpers(codexHome: string): void {
  for (const pid of orphanedHelpers(codexHome)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
}
