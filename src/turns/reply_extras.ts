/**
 * What a turn's reply carries besides its text: the reply parsed as JSON
 * (a turn with an output schema), Codex's structured review (a review turn).
 *
 * @module
 */

import { findRolloutFile, readReviewOutput } from "../codex/store.ts";
import type { TurnResult } from "../codex/verdict.ts";
import { CodexError } from "../errors.ts";
import { pathInfo } from "../runtime/fs.ts";

/**
 * The result with `parsed`: the reply as JSON. A reply that does not parse
 * is an error that names the session and carries the raw reply.
 *
 * @example
 * ```ts
 * import { withParsedReply } from "./reply_extras.ts";
 * withParsedReply({ sessionId: "s", reply: '{"ok":true}' }).parsed; // { ok: true }
 * ```
 */
export function withParsedReply(result: TurnResult): TurnResult {
  try {
    return { ...result, parsed: JSON.parse(result.reply) };
  } catch (error) {
    throw new CodexError(
      "reply_not_json",
      `Codex's reply does not parse as JSON (${
        (error as Error).message
      }), although the call gave an output_schema.`,
      {
        sessionId: result.sessionId,
        partialMessages: [result.reply],
        hint:
          "The raw reply is below. Continue the session and ask for the JSON again, or check the schema.",
      },
    );
  }
}

/**
 * The result with Codex's structured review, read from the session's
 * rollout file (where both Codex versions record it when review mode ends):
 * `rolloutPath` when the caller found it already, else looked up.
 *
 * @example
 * ```ts ignore
 * const reviewed = await withReviewOutput(result, "/home/me/.codex");
 * reviewed.review?.findings.length;
 * ```
 */
export async function withReviewOutput(
  result: TurnResult,
  codexHome: string,
  rolloutPath?: string,
): Promise<TurnResult> {
  const path = rolloutPath ??
    await findRolloutFile(codexHome, result.sessionId);
  const size = path === undefined ? undefined : (await pathInfo(path))?.size;
  const review = path === undefined || size === undefined
    ? undefined
    : await readReviewOutput(path, size);
  return { ...result, review: review ?? { findings: [] } };
}
