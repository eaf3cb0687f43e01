/**
 * zod builders for the input fields several tools share, each with an error
 * message that names the field and says what it takes.
 *
 * @module
 */

import { z } from "zod";

const UUID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TURN_ID_PATTERN = /^turn-[0-9a-z]{1,12}-[0-9]{1,15}$/;

/**
 * A session id: a UUID in any case, given on as Codex prints it (lower
 * case). This is the one place ids are normalized: every queue, warm process
 * and store lookup behind it sees one spelling.
 *
 * @example
 * ```ts
 * import { SESSION_ID_SCHEMA } from "./fields.ts";
 * SESSION_ID_SCHEMA.parse("01A20AD4-3B48-7682-848B-3B8E5878FB23");
 * // "01a20ad4-3b48-7682-848b-3b8e5878fb23"
 * ```
 */
export const SESSION_ID_SCHEMA: z.ZodString = z.string().regex(UUID_PATTERN, {
  error:
    "session_id must be a UUID such as 01a20ad4-3b48-7682-848b-3b8e5878fb23, as returned by an earlier call",
}).toLowerCase();

/** A turn id, as a turn tool's result gives it. */
export const TURN_ID_SCHEMA: z.ZodString = z.string().regex(TURN_ID_PATTERN, {
  error:
    "turn_id must be a turn id such as turn-mio3k2-4, as returned by a turn tool or codex_wait",
});

/**
 * A whole number from `min` to `max`; `maxNote` explains the upper bound.
 *
 * @example
 * ```ts
 * import { wholeNumber } from "./fields.ts";
 * wholeNumber("limit", 1, 200).safeParse(0).success; // false
 * ```
 */
export function wholeNumber(
  field: string,
  min: number,
  max: number,
  maxNote = "",
): z.ZodNumber {
  return z.number().int({ error: `${field} must be a whole number` })
    .min(min, { error: `${field} must be at least ${min}` })
    .max(max, { error: `${field} must be at most ${max}${maxNote}` });
}

/**
 * A string with more than white space in it.
 *
 * @example
 * ```ts
 * import { nonEmpty } from "./fields.ts";
 * nonEmpty("prompt").safeParse("  ").success; // false
 * ```
 */
export function nonEmpty(field: string): z.ZodString {
  return z.string({ error: `${field} must be a string` }).refine(
    (value) => value.trim().length > 0,
    { error: `${field} must not be empty` },
  );
}
