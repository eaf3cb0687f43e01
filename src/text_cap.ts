/**
 * Keeps one result under the size MCP clients accept: clients on the official
 * SDK drop the whole connection on a message over 10 MiB, and a tool result
 * carries its text twice (content and structuredContent).
 *
 * @module
 */

/**
 * Returns `text` whole when it fits in `maxBytes` of UTF-8, else its start
 * with a note saying how much was cut and where the whole text lives.
 *
 * @example
 * ```ts
 * import { capText } from "./text_cap.ts";
 * capText("abcdef", 3, "0199…").startsWith("abc\n\n[Cut: 6 bytes in all"); // true
 * ```
 */
export function capText(
  text: string,
  maxBytes: number,
  sessionId: string,
): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  // Cutting may split a character: drop the replacement char it leaves.
  const kept = new TextDecoder().decode(bytes.subarray(0, maxBytes))
    .replace(/\uFFFD$/, "");
  return `${kept}\n\n[Cut: ${bytes.length} bytes in all, the first ${maxBytes} shown (CODEX_PERSISTENT_MCP_MAX_REPLY_BYTES). The whole text is stored in Codex session ${sessionId}: open it with \`codex resume ${sessionId}\`, or page through it with codex_session_read.]`;
}
