/**
 * The file calls on hot or start-up paths on Node (swapped in for native_fs.deno.ts by
 * the npm build).
 *
 * @module
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import type {
  ListDirectorySync,
  OpenFile,
  ReadTextFileSync,
  StatFileSync,
} from "./types.ts";

/** `statSync`, or `undefined` when the path is gone. */
export const statFileSync: StatFileSync = (path) => {
  const info = statSync(path, { throwIfNoEntry: false });
  return info === undefined ? undefined : {
    isDirectory: info.isDirectory(),
    size: info.size,
    mtimeMs: info.mtimeMs,
  };
};

/** `readdirSync`; empty for a missing path or a file. */
export const listDirectorySync: ListDirectorySync = (path) => {
  try {
    return readdirSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw error;
  }
};

/** `FileHandle` reads at positions. */
export const openFile: OpenFile = async (path) => {
  const handle = await open(path, "r");
  return {
    async read(buffer, position) {
      const { bytesRead } = await handle.read(
        buffer,
        0,
        buffer.length,
        position,
      );
      return bytesRead === 0 ? null : bytesRead;
    },
    close: () => handle.close(),
  };
};

/** `readFileSync` as UTF-8, or `undefined`. */
export const readTextFileSync: ReadTextFileSync = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};
