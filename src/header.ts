/**
 * The origin header that marks a prompt as coming from an AI agent through
 * MCP, so Codex (and a human reading the session later) can tell it from the
 * user's own messages.
 *
 * It goes **after** the text: a session is previewed by its first message
 * (the `codex resume` picker, `codex_sessions`), which then shows what the
 * session is about instead of the same header for every session. Where the
 * picker lists a session (the app-server backend), the first message carries
 * no header at all: the thread's developer instructions hold it instead
 * ({@linkcode originInstructions}), since Codex 0.77.0's picker shows the whole
 * message on one line.
 *
 * @module
 */

/** First line of the header block. */
export const HEADER_BEGIN = "<<<MCP_CONTEXT_BEGIN>>>";
/** Last line of the header block. */
export const HEADER_END = "<<<MCP_CONTEXT_END>>>";

/** What the header says. */
export interface OriginHeader {
  /** Who sent it (`CODEX_PERSISTENT_MCP_ORIGIN`). */
  origin: string;
  /** The MCP tool that was called. */
  tool: string;
}

/**
 * Appends the header block to a prompt.
 *
 * @example
 * ```ts
 * import { withOriginHeader } from "./header.ts";
 * withOriginHeader("Review this", { origin: "codex-persistent-mcp", tool: "codex_chat" });
 * // "Review this\n\n<<<MCP_CONTEXT_BEGIN>>>\norigin=codex-persistent-mcp\n" +
 * // "tool=codex_chat\nsender=ai_agent\n<<<MCP_CONTEXT_END>>>\n"
 * ```
 */
export function withOriginHeader(text: string, header: OriginHeader): string {
  return `${text}\n\n${headerBlock(header)}`;
}

/**
 * Developer instructions for a thread whose first message goes without a
 * header: the header block (so readers still find the origin) and what it
 * means for the model.
 *
 * @example
 * ```ts
 * import { originInstructions, splitOriginHeader } from "./header.ts";
 * const note = originInstructions({ origin: "agent A", tool: "codex_plan" });
 * splitOriginHeader(note).header; // { origin: "agent A", tool: "codex_plan" }
 * ```
 */
export function originInstructions(header: OriginHeader): string {
  return `${
    headerBlock(header)
  }This session was started by an AI agent through the codex-persistent-mcp MCP server (origin and tool above): its first user message comes from that agent, not from a human. Later user messages that end with such an MCP_CONTEXT block come from an AI agent too; messages without one come from the human user.\n`;
}

function headerBlock(header: OriginHeader): string {
  return `${HEADER_BEGIN}\norigin=${oneLine(header.origin)}\ntool=${
    oneLine(header.tool)
  }\nsender=ai_agent\n${HEADER_END}\n`;
}

/**
 * Splits a message into its text and the header it carries, if any.
 *
 * @example
 * ```ts
 * import { splitOriginHeader, withOriginHeader } from "./header.ts";
 * const message = withOriginHeader("hi", { origin: "o", tool: "t" });
 * splitOriginHeader(message); // { text: "hi", header: { origin: "o", tool: "t" } }
 * ```
 */
export function splitOriginHeader(
  message: string,
): { text: string; header?: OriginHeader } {
  const begin = message.lastIndexOf(HEADER_BEGIN);
  const end = message.indexOf(HEADER_END, begin);
  if (begin === -1 || end === -1) return { text: message };
  const fields = new Map<string, string>();
  for (
    const line of message.slice(begin + HEADER_BEGIN.length, end).split("\n")
  ) {
    const eq = line.indexOf("=");
    if (eq > 0) fields.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const text =
    (message.slice(0, begin) + message.slice(end + HEADER_END.length))
      .trim();
  return {
    text,
    header: {
      origin: fields.get("origin") ?? "",
      tool: fields.get("tool") ?? "",
    },
  };
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, " ");
}
