/**
 * Narrowing what `JSON.parse` returns (`unknown` until checked).
 *
 * @module
 */

/**
 * Whether a parsed value is a JSON object (not null, not an array).
 *
 * @example
 * ```ts
 * import { isRecord } from "./json.ts";
 * isRecord(JSON.parse('{"a":1}')); // true
 * isRecord(JSON.parse("[1]")); // false
 * ```
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The value if it is a string, else `undefined`.
 *
 * @example
 * ```ts
 * import { stringOrUndefined } from "./json.ts";
 * stringOrUndefined(3); // undefined
 * ```
 */
export function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * `JSON.parse`, or `undefined` for text that is not JSON (a line Codex cut
 * short, a file someone else wrote).
 *
 * @example
 * ```ts
 * import { parseJson } from "./json.ts";
 * parseJson('{"a":1}'); // { a: 1 }
 * parseJson("{cut"); // undefined
 * ```
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
