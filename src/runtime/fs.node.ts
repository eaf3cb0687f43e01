/**
 * File access on Node (swapped in for fs.deno.ts by the npm build).
 *
 * @module
 */

import { open, readdir, stat } from "node:fs/promises";
import type { PathKind, ReadableFile } from "./types.ts";

/** What `path` is; `"missing"` when it does not exist or cannot be seen. */
export async function pathKind(path: string): Promise<PathKind> {
  try {
    return (await stat(path)).isDirectory() ? "directory" : "file";
  } catch {
    return "missing";
  }
}

/** The names in a directory; empty when it does not exist. */
export async function listDirectory(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw error;
  }
}

/** Opens a file for chunked reading. */
export async function openFile(path: string): Promise<ReadableFile> {
  const handle = await open(path, "r");
  return {
    async read(buffer) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      return bytesRead === 0 ? null : bytesRead;
    },
    close: () => handle.close(),
  };
}
