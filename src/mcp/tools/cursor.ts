/**
 * The opaque `cursor` strings of paged tools: a position as base64 JSON,
 * checked with a zod schema when it comes back.
 *
 * @module
 */

import type { z } from "zod";
import { CodexError } from "../../errors.ts";
import { parseJson } from "../../json.ts";

/**
 * Encodes a position as a cursor string.
 *
 * @example
 * ```ts
 * import { encodeCursor } from "./cursor.ts";
 * encodeCursor({ page: 2 }); // "eyJwYWdlIjoyfQ"
 * ```
 */
export function encodeCursor(position: Record<string, unknown>): string {
  const bytes = new TextEncoder().encode(JSON.stringify(position));
  return btoa(String.fromCharCode(...bytes)).replaceAll("=", "");
}

/**
 * Decodes a cursor from {@linkcode encodeCursor} that `schema` accepts, or
 * fails with a clear `bad_input` error naming the tool it was meant for.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { decodeCursor, encodeCursor } from "./cursor.ts";
 * const page = z.object({ page: z.number() });
 * decodeCursor(encodeCursor({ page: 2 }), "example", page); // { page: 2 }
 * ```
 */
export function decodeCursor<T>(
  cursor: string,
  tool: string,
  schema: z.ZodType<T>,
): T {
  let value: unknown;
  try {
    const bytes = Uint8Array.from(atob(cursor), (char) => char.charCodeAt(0));
    value = parseJson(new TextDecoder().decode(bytes));
  } catch {
    // Not base64: reported below.
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new CodexError(
    "bad_input",
    `cursor ${
      JSON.stringify(cursor.slice(0, 80))
    } is not a ${tool} cursor from this server.`,
    {
      hint:
        "Pass the next_cursor of the previous page unchanged, or omit cursor for the first page.",
    },
  );
}
