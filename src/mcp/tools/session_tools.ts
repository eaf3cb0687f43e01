/**
 * The tools that find and reread sessions in Codex's own store:
 * `codex_sessions` (list) and `codex_session_read` (the conversation, newest
 * turns first). Read-only: they never write to Codex's files.
 *
 * @module
 */

import { ACTIVITY_OUTPUT, activityLine } from "../calls/activity_output.ts";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { SessionSummary } from "../../store/session_index.ts";
import type { SessionStore } from "../../store/session_store.ts";
import { splitOriginHeader } from "../../header.ts";
import { capText } from "../../text_cap.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { SESSION_ID_SCHEMA, wholeNumber } from "./fields.ts";

/** Input of `codex_sessions`. */
export const SESSIONS_INPUT = {
  cwd: z.string().optional().describe(
    "Only sessions started in exactly this directory (absolute path). Default: all.",
  ),
  only_mcp: z.boolean().optional().describe(
    "Only sessions started through this MCP server.",
  ),
  limit: wholeNumber("limit", 1, 200).optional().describe(
    "At most this many sessions (default 20).",
  ),
  cursor: z.string().optional().describe(
    "next_cursor from the previous page.",
  ),
};

const SESSION_SUMMARY_OUTPUT = z.object({
  session_id: z.string(),
  cwd: z.string().optional(),
  started_at: z.string().optional(),
  last_activity_at: z.string(),
  turns: z.number(),
  preview: z.string(),
  via_mcp: z.boolean(),
  running: z.boolean().describe(
    "A turn is queued or running on it in this server (codex_wait collects it).",
  ),
  turn_id: z.string().optional().describe(
    "The newest queued or running turn (when running): pass it to codex_wait or codex_cancel.",
  ),
  resume_command: z.string(),
});

/** Parsed input of `codex_sessions`. */
export type SessionsInput = z.infer<z.ZodObject<typeof SESSIONS_INPUT>>;

/** A `codex_sessions` cursor: where the previous page ended. */
const LIST_CURSOR = z.object({ m: z.number(), p: z.string() });

/** Structured output of `codex_sessions`. */
export const SESSIONS_OUTPUT = {
  sessions: z.array(SESSION_SUMMARY_OUTPUT),
  next_cursor: z.string().optional(),
};

/** Input of `codex_session_read`. */
export const SESSION_READ_INPUT = {
  session_id: SESSION_ID_SCHEMA.describe("The session to read."),
  turns: wholeNumber("turns", 1, 100).optional().describe(
    "How many turns (a user message and the replies to it) per page, newest first (default 10).",
  ),
  cursor: z.string().optional().describe(
    "next_cursor from the previous page, for older turns.",
  ),
};

/** Parsed input of `codex_session_read`. */
export type SessionReadInput = z.infer<z.ZodObject<typeof SESSION_READ_INPUT>>;

/** A `codex_session_read` cursor: the session and the byte its page starts at. */
const READ_CURSOR = z.object({ s: z.string(), b: z.number().int().min(0) });

/** Structured output of `codex_session_read`. */
export const SESSION_READ_OUTPUT = {
  session_id: z.string(),
  cwd: z.string().optional(),
  messages: z.array(z.object({
    role: z.enum(["user", "agent"]),
    sender: z.enum(["ai_agent", "human", "codex"]),
    text: z.string(),
    timestamp: z.string().optional(),
    activity: ACTIVITY_OUTPUT.optional().describe(
      "On a user message: what Codex did in the turn it started (the commands it ran and the files it changed).",
    ),
  })).describe("Oldest first within the page."),
  next_cursor: z.string().optional().describe(
    "Pass back as cursor for the turns before these; absent at the start of the session.",
  ),
};

/**
 * Runs `codex_sessions`.
 *
 * @example
 * ```ts ignore
 * await listSessionsTool(store, { cwd: "/repo", limit: 5 }, () => undefined);
 * ```
 */
export async function listSessionsTool(
  store: SessionStore,
  input: SessionsInput,
  runningTurn: (sessionId: string) => string | undefined,
): Promise<CallToolResult> {
  const after = input.cursor === undefined
    ? undefined
    : decodeCursor(input.cursor, "codex_sessions", LIST_CURSOR);
  const { sessions, next } = await store.list({
    cwd: input.cwd,
    onlyMcp: input.only_mcp,
    limit: input.limit ?? 20,
    after: after === undefined
      ? undefined
      : { mtimeMs: after.m, path: after.p },
  });
  const nextCursor = next === undefined
    ? undefined
    : encodeCursor({ m: next.mtimeMs, p: next.path });
  const running = sessions.map((session) => runningTurn(session.sessionId));
  const structured = {
    sessions: sessions.map((session, i) => sessionOutput(session, running[i])),
    ...(nextCursor === undefined ? {} : { next_cursor: nextCursor }),
  };
  const lines = sessions.map((s, i) =>
    `${s.sessionId}  ${s.lastActivityAt}  ${s.turns} turn(s)${
      s.viaMcp ? "  [mcp]" : ""
    }${running[i] === undefined ? "" : `  [running: ${running[i]}]`}  ${
      s.cwd ?? "?"
    }\n    ${s.preview}`
  );
  const text = (lines.length === 0 ? "No sessions found." : lines.join("\n")) +
    (nextCursor === undefined ? "" : `\n\nMore: pass cursor=${nextCursor}`) +
    "\nOpen one by hand with: codex resume <session_id>";
  return { content: [{ type: "text", text }], structuredContent: structured };
}

function sessionOutput(
  session: SessionSummary,
  runningTurnId: string | undefined,
): z.infer<typeof SESSION_SUMMARY_OUTPUT> {
  return {
    session_id: session.sessionId,
    cwd: session.cwd,
    started_at: session.startedAt,
    last_activity_at: session.lastActivityAt,
    turns: session.turns,
    preview: session.preview,
    via_mcp: session.viaMcp,
    running: runningTurnId !== undefined,
    ...(runningTurnId === undefined ? {} : { turn_id: runningTurnId }),
    resume_command: `codex resume ${session.sessionId}`,
  };
}

/**
 * Runs `codex_session_read`.
 *
 * @example
 * ```ts ignore
 * await readSessionTool(store, 4_000_000, { session_id: "01a2…" });
 * ```
 */
export async function readSessionTool(
  store: SessionStore,
  maxBytes: number,
  input: SessionReadInput,
): Promise<CallToolResult> {
  const sessionId = input.session_id;
  const before = input.cursor === undefined ? undefined : decodeCursor(
    input.cursor,
    "codex_session_read",
    READ_CURSOR.refine((position) => position.s === sessionId),
  ).b;
  const session = await store.open(
    sessionId,
    "List the sessions with codex_sessions to find the id.",
  );
  const page = await store.readPage(session, {
    turns: input.turns ?? 10,
    before,
  });
  // Share the size budget across the page (it travels twice in the result).
  const perMessage = Math.max(
    1000,
    Math.floor(maxBytes / Math.max(1, page.messages.length)),
  );
  const messages = page.messages.map((message) => {
    if (message.role === "agent") {
      return {
        role: "agent" as const,
        sender: "codex" as const,
        text: capText(message.text, perMessage, sessionId),
        timestamp: message.timestamp,
      };
    }
    const { text, header } = splitOriginHeader(message.text);
    return {
      role: "user" as const,
      sender: header === undefined ? "human" as const : "ai_agent" as const,
      text: capText(text, perMessage, sessionId),
      timestamp: message.timestamp,
      activity: message.activity,
    };
  });
  const nextCursor = page.nextBefore === undefined
    ? undefined
    : encodeCursor({ s: sessionId, b: page.nextBefore });
  const transcript = messages.map((m) => {
    const did = m.role === "user" && m.activity ? activityLine(m.activity) : "";
    return `[${m.role === "agent" ? "codex" : `user · ${m.sender}`}] ${m.text}${
      did ? `\n[what codex did] ${did}` : ""
    }`;
  }).join("\n\n");
  return {
    content: [{
      type: "text",
      text:
        `Session ${sessionId} (${session.cwd ?? "cwd unknown"})\n\n${
          transcript || "(no messages)"
        }` +
        (nextCursor === undefined
          ? "\n\n(start of the session)"
          : `\n\nOlder turns: pass cursor=${nextCursor}`),
    }],
    structuredContent: {
      session_id: sessionId,
      cwd: session.cwd,
      messages,
      ...(nextCursor === undefined ? {} : { next_cursor: nextCursor }),
    },
  };
}
