/**
 * File access on Deno.
 *
 * @module
 */

import type { PathKind, ReadableFile } from "./types.ts";

/**
 * What `path` is; `"missing"` when it does not exist or cannot be seen.
 *
 * @example
 * ```ts
 * import { pathKind } from "./fs.deno.ts";
 * await pathKind("/"); // "directory"
 * ```
 */
export async function pathKind(path: string): Promise<PathKind> {
  try {
    return (await Deno.stat(path)).isDirectory ? "directory" : "file";
  } catch {
    return "missing";
  }
}

/**
 * The names in a directory; empty when it does not exist.
 *
 * @example
 * ```ts
 * import { listDirectory } from "./fs.deno.ts";
 * await listDirectory("/nonexistent"); // []
 * ```
 */
export async function listDirectory(path: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(path)) names.push(entry.name);
  } catch (error) {
    if (
      error instanceof Deno.errors.NotFound ||
      error instanceof Deno.errors.NotADirectory
    ) {
      return [];
    }
    throw error;
  }
  return names;
}

/**
 * Opens a file for chunked reading.
 *
 * @example
 * ```ts ignore
 * import { openFile } from "./fs.deno.ts";
 * const file = await openFile("/etc/hostname");
 * await file.read(new Uint8Array(64));
 * file.close();
 * ```
 */
export async function openFile(path: string): Promise<ReadableFile> {
  return await Deno.open(path, { read: true });
}
