/**
 * The file calls on hot or start-up paths, on Deno: {@linkcode StatFileSync},
 * {@linkcode ListDirectorySync}, {@linkcode ReadTextFileSync} and
 * {@linkcode OpenFile}.
 *
 * @module
 */

import type {
  ListDirectorySync,
  OpenFile,
  ReadTextFileSync,
  StatFileSync,
} from "./types.ts";

/**
 * `Deno.statSync`, or `undefined` when the path is gone.
 *
 * @example
 * ```ts
 * import { statFileSync } from "./native_fs.deno.ts";
 * statFileSync("/nonexistent"); // undefined
 * ```
 */
export const statFileSync: StatFileSync = (path) => {
  try {
    const info = Deno.statSync(path);
    return {
      isDirectory: info.isDirectory,
      size: info.size,
      mtimeMs: info.mtime?.getTime() ?? 0,
    };
  } catch {
    return undefined;
  }
};

/**
 * `Deno.readDirSync`'s names; empty for a missing path or a file.
 *
 * @example
 * ```ts
 * import { listDirectorySync } from "./native_fs.deno.ts";
 * listDirectorySync("/nonexistent"); // []
 * ```
 */
export const listDirectorySync: ListDirectorySync = (path) => {
  const names: string[] = [];
  try {
    for (const entry of Deno.readDirSync(path)) names.push(entry.name);
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
};

/**
 * `Deno.open` for chunked reads at positions.
 *
 * @example
 * ```ts
 * import { openFile } from "./native_fs.deno.ts";
 * const file = await openFile("/etc/hostname");
 * await file.read(new Uint8Array(64), 0);
 * await file.close();
 * ```
 */
export const openFile: OpenFile = async (path) => {
  const file = await Deno.open(path, { read: true });
  return {
    async read(buffer, position) {
      await file.seek(position, Deno.SeekMode.Start);
      return await file.read(buffer);
    },
    close: () => Promise.resolve(file.close()),
  };
};

/**
 * `Deno.readTextFileSync`, or `undefined` when the file cannot be read.
 *
 * @example
 * ```ts
 * import { readTextFileSync } from "./native_fs.deno.ts";
 * readTextFileSync("/nonexistent"); // undefined
 * ```
 */
export const readTextFileSync: ReadTextFileSync = (path) => {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
};
