/**
 * The little file access the server needs, on `node:fs` (the same on Deno and
 * Node, so nothing here is swapped at build time). Read-only for Codex's
 * files; writes go only to our own cache.
 *
 * @module
 */

import { type Stats, statSync } from "node:fs";
import { readdirSync } from "node:fs";
import {
  mkdir,
  open,
  readFile,
  rename,
  stat,
  writeFile,
} from "node:fs/promises";
import process from "node:process";

/** What `stat` says of an existing path. */
export interface PathInfo {
  /** Whether it is a directory. */
  isDirectory: boolean;
  /** Size in bytes. */
  size: number;
  /** Last modification, in ms since the epoch. */
  mtimeMs: number;
}

/** A file opened for reading, read in chunks at given positions. */
export interface ReadableFile {
  /**
   * Reads into `buffer` at byte `position`; resolves with the byte count, or
   * `null` at the end.
   */
  read(buffer: Uint8Array, position: number): Promise<number | null>;
  /** Closes the file. */
  close(): Promise<void>;
}

/**
 * What `path` is, or `undefined` when it does not exist or cannot be seen.
 *
 * @example
 * ```ts
 * import { pathInfo } from "./fs.ts";
 * (await pathInfo("/"))?.isDirectory; // true
 * ```
 */
export async function pathInfo(path: string): Promise<PathInfo | undefined> {
  try {
    return toPathInfo(await stat(path));
  } catch {
    return undefined;
  }
}

/**
 * `stat` without a promise, or `undefined` when the path is gone. Listing a
 * large store stats every rollout file: synchronous stats there run several
 * times faster than one async op each (the caller yields between slices).
 *
 * @example
 * ```ts
 * import { statFileSync } from "./fs.ts";
 * statFileSync("/nonexistent"); // undefined
 * ```
 */
export function statFileSync(path: string): PathInfo | undefined {
  const info = statSync(path, { throwIfNoEntry: false });
  return info === undefined ? undefined : toPathInfo(info);
}

/**
 * The names in a directory; empty when it does not exist. Synchronous inside
 * on purpose: an async listing costs one op per entry, several times slower
 * over a store of 20,000 sessions.
 *
 * @example
 * ```ts
 * import { listDirectory } from "./fs.ts";
 * await listDirectory("/nonexistent"); // []
 * ```
 */
export function listDirectory(path: string): Promise<string[]> {
  try {
    return Promise.resolve(readdirSync(path));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return Promise.resolve([]);
    return Promise.reject(error);
  }
}

/**
 * Opens a file for chunked reading.
 *
 * @example
 * ```ts
 * import { openFile } from "./fs.ts";
 * const file = await openFile("/etc/hostname");
 * await file.read(new Uint8Array(64), 0);
 * await file.close();
 * ```
 */
export async function openFile(path: string): Promise<ReadableFile> {
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
}

/**
 * Reads a text file, or `undefined` when it cannot be read.
 *
 * @example
 * ```ts
 * import { readTextFileIfExists } from "./fs.ts";
 * await readTextFileIfExists("/nonexistent"); // undefined
 * ```
 */
export async function readTextFileIfExists(
  path: string,
): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Writes a text file whole or not at all (temporary file, then rename),
 * creating its directory.
 *
 * @example
 * ```ts
 * import { writeTextFileAtomic } from "./fs.ts";
 * await writeTextFileAtomic("/tmp/codex-persistent-mcp-example/cache.json", "{}");
 * ```
 */
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
