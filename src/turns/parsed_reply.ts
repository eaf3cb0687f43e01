/**
 * The reply parsed as JSON, for a turn with an output schema.
 *
 * @module
 */

import type { TurnResult } from "../codex/verdict.ts";
import { CodexError } from "../errors.ts";

/**
 * The result with `parsed`: the reply as JSON. A reply that does not parse
 * is an error that names the session and carries the raw reply.
 *
 * @example
 * ```ts
 * import { withParsedReply } from "./parsed_reply.ts";
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
