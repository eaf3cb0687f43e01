/**
 * Paths as the bounds compare them: lexically, and as real paths.
 *
 * @module
 */

import { realPath } from "./runtime/fs.ts";

/**
 * Whether `path` is `dir` or lies below it (both absolute and normalized).
 *
 * @example
 * ```ts
 * import { isWithin } from "./paths.ts";
 * isWithin("/repo/src", "/repo"); // true
 * isWithin("/repository", "/repo"); // false
 * ```
 */
export function isWithin(path: string, dir: string): boolean {
  if (dir === "/") return path.startsWith("/");
  return path === dir || path.startsWith(`${dir}/`);
}

/** The real paths of `paths` that exist. */
export async function realPaths(paths: readonly string[]): Promise<string[]> {
  const found = await Promise.all(paths.map(realPath));
  return found.filter((path): path is string => path !== undefined);
}
