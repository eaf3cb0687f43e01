/**
 * The little file access the server needs: on `node:fs` (the same on Deno
 * and Node; loaded on first use, so start-up does not pay for it), except
 * the calls on hot or start-up paths, which come from the runtime seam.
 * Read-only for Codex's files; writes go only to our own cache and to
 * temporary files of our own.
 *
 * @module
 */

import type { Stats } from "node:fs";
import process from "node:process";
import { listDirectorySync, openFile, statFileSync } from "./native_fs.deno.ts";
import type { PathInfo } from "./types.ts";

export type { PathInfo, ReadableFile } from "./types.ts";
/** The runtime's own (see types.ts): `stat` without a promise, and reads. */
export { openFile, statFileSync };

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
    return toPathInfo(await (await fsPromises()).stat(path));
  } catch {
    return undefined;
  }
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
    return Promise.resolve(listDirectorySync(path));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The canonical absolute path (symbolic links and `..` resolved), or
 * `undefined` when `path` does not exist.
 *
 * @example
 * ```ts
 * import { realPath } from "./fs.ts";
 * await realPath("/"); // "/"
 * ```
 */
export async function realPath(path: string): Promise<string | undefined> {
  try {
    return await (await fsPromises()).realpath(path);
  } catch {
    return undefined;
  }
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
    return await (await fsPromises()).readFile(path, "utf8");
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
  const fs = await fsPromises();
  await fs.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await fs.writeFile(temporary, text);
  await fs.rename(temporary, path);
}

/** A file of our own that lives as long as one turn. */
export interface TemporaryFile {
  path: string;
  /** Removes the file (and its private directory). */
  remove(): Promise<void>;
}

/**
 * Writes `text` to `name` in a new private temporary directory.
 *
 * @example
 * ```ts
 * import { writeTemporaryFile } from "./fs.ts";
 * const file = await writeTemporaryFile("schema.json", "{}");
 * await file.remove();
 * ```
 */
export async function writeTemporaryFile(
  name: string,
  text: string,
): Promise<TemporaryFile> {
  const fs = await fsPromises();
  const { tmpdir } = await import("node:os");
  const dir = await fs.mkdtemp(`${tmpdir()}/codex-persistent-mcp-`);
  const path = `${dir}/${name}`;
  await fs.writeFile(path, text, { mode: 0o600 });
  return {
    path,
    remove: () => fs.rm(dir, { recursive: true, force: true }),
  };
}

/** `node:fs/promises`, loaded on first use. */
function fsPromises(): Promise<typeof import("node:fs/promises")> {
  return import("node:fs/promises");
}

function toPathInfo(info: Stats): PathInfo {
  return {
    isDirectory: info.isDirectory(),
    size: info.size,
    mtimeMs: info.mtimeMs,
  };
}
