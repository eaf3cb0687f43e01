/**
 * Environments handed to children: the same on every runtime.
 *
 * @module
 */

/**
 * `env` less the variables `names` names.
 *
 * @example
 * ```ts
 * import { without } from "./env.ts";
 * without({ A: "1", SECRET: "2" }, ["SECRET"]); // { A: "1" }
 * ```
 */
export function without(
  env: Record<string, string | undefined>,
  names: readonly string[],
): Record<string, string> {
  const left = new Set(names);
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] =>
      entry[1] !== undefined && !left.has(entry[0])
    ),
  );
}
