/**
 * File access on Node (swapped in for fs.deno.ts by the npm build).
 *
 * @module
 */

import {
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  stat,
  writeFile,
} from "node:fs/promises";
import { type Stats, statSync } from "node:fs";
import process from "node:process";
import type { PathInfo, ReadableFile } from "./types.ts";

/** What `path` is, or `undefined` when it does not exist or cannot be seen. */
export async function pathInfo(path: string): Promise<PathInfo | undefined> {
  try {
    return toPathInfo(await stat(path));
  } catch {
    return undefined;
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

/** `stat` without a promise, or `undefined` when the path is gone. */
export function statFileSync(path: string): PathInfo | undefined {
  const info = statSync(path, { throwIfNoEntry: false });
  return info === undefined ? undefined : toPathInfo(info);
}

/** Opens a file for chunked reading. */
export async function openFile(path: string): Promise<ReadableFile> {
  const handle = await open(path, "r");
  return {
    async read(buffer, position) {
      const { bytesRead } = await handle.read(
        buffer,
        0,
        buffer.length,
        position ?? null,
      );
      return bytesRead === 0 ? null : bytesRead;
    },
    close: () => handle.close(),
  };
}

/** Reads a text file, or `undefined` when it cannot be read. */
export async function readTextFileIfExists(
  path: string,
): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Writes a text file whole or not at all, creating its directory. */
export async function writeTextFileAtomic(
  path: string,
  text: string,
): Promise<void> {
  await mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

function toPathInfo(info: Stats): PathInfo {
  return {
    isDirectory: info.isDirectory(),
    size: info.size,
    mtimeMs: info.mtimeMs,
  };
}
