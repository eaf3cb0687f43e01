/**
 * End to end: codex_sessions and codex_session_read over Codex's own store,
 * with sessions made through the server and by hand with the real CLI.
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { codexExecByHand } from "./support/codex.ts";
import { e2eTests, type Harness } from "./support/harness.ts";
import { callTool, resultText } from "./support/mcp.ts";

interface Listed {
  session_id: string;
  cwd?: string;
  turns: number;
  preview: string;
  via_mcp: boolean;
  resume_command: string;
  last_activity_at: string;
}

interface Message {
  role: string;
  sender: string;
  text: string;
}

async function chat(
  h: Harness,
  args: Record<string, unknown>,
): Promise<string> {
  return (await h.turn(args)).sessionId;
}

/** A tool's structured answer; fails the test on an error result. */
async function answer<T>(
  h: Harness,
  tool: string,
  args: Record<string, unknown>,
): Promise<T> {
  const result = await callTool(h.server.client, tool, args);
  assert(!result.isError, resultText(result));
  return result.structuredContent as T;
}

const list = (h: Harness, args: Record<string, unknown>) =>
  answer<{ sessions: Listed[]; next_cursor?: string }>(
    h,
    "codex_sessions",
    args,
  );

const read = (h: Harness, args: Record<string, unknown>) =>
  answer<{ messages: Message[]; next_cursor?: string; cwd?: string }>(
    h,
    "codex_session_read",
    args,
  );

/** Starts a session by hand with `codex exec` (no MCP header). */
async function handMadeSession(
  h: Harness,
  cwd: string,
  prompt: string,
): Promise<string> {
  const { stdout } = await codexExecByHand(h.bin, h.codexHome, cwd, prompt);
  return stdout.match(/"thread_id":"([0-9a-f-]{36})"/)![1];
}

e2eTests(
  "codex_sessions lists sessions by cwd with preview, turns and origin",
  async (h) => {
    const other = await h.tempDir("codex-other-");
    const a = await chat(h, {
      cwd: h.project,
      prompt: "Refactor the parser\nmore detail",
    });
    await chat(h, { session_id: a, prompt: "and add tests" });
    const b = await chat(h, { cwd: other, prompt: "Elsewhere" });
    const human = await handMadeSession(h, h.project, "typed by a human");

    const inProject = await list(h, { cwd: h.project });
    assertEquals(inProject.sessions.map((s) => s.session_id), [human, a]);
    const [humanRow, aRow] = inProject.sessions;
    assertEquals(aRow.preview, "Refactor the parser");
    assertEquals(aRow.turns, 2);
    assertEquals(aRow.via_mcp, true);
    assertEquals(aRow.cwd, h.project);
    assertEquals(aRow.resume_command, `codex resume ${a}`);
    assertEquals(humanRow.via_mcp, false);
    assertEquals(humanRow.preview, "typed by a human");

    const onlyMcp = await list(h, { cwd: h.project, only_mcp: true });
    assertEquals(onlyMcp.sessions.map((s) => s.session_id), [a]);
    const all = await list(h, {});
    assertEquals(all.sessions.map((s) => s.session_id), [human, b, a]);
    assertEquals(all.sessions.find((s) => s.session_id === b)?.cwd, other);

    // A new turn moves a session to the front and is counted.
    await chat(h, { session_id: a, prompt: "third" });
    const again = await list(h, { cwd: h.project });
    assertEquals(again.sessions[0].session_id, a);
    assertEquals(again.sessions[0].turns, 3);
  },
);

e2eTests(
  "codex_sessions pages with limit and cursor; bad cursors get clear errors",
  async (h) => {
    const ids = [];
    for (const label of ["one", "two", "three"]) {
      ids.push(await chat(h, { cwd: h.project, prompt: label }));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 3; page++) {
      const result = await list(h, {
        limit: 1,
        ...(cursor ? { cursor } : {}),
      });
      assertEquals(result.sessions.length, 1);
      seen.push(result.sessions[0].session_id);
      cursor = result.next_cursor;
    }
    assertEquals(seen, ids.reverse());
    assertEquals(cursor, undefined);

    await h.toolError(
      "codex_sessions",
      { cursor: "garbage!" },
      "is not a codex_sessions cursor from this server",
    );
  },
);

e2eTests(
  "corrupt and truncated rollout files are skipped",
  async (h) => {
    const good = await chat(h, { cwd: h.project, prompt: "good session" });
    const day = `${h.codexHome}/sessions/2025/01/02`;
    await Deno.mkdir(day, { recursive: true });
    await Deno.writeTextFile(
      `${day}/rollout-2025-01-02T00-00-00-3f2b8c1e-9d4a-4b6e-8f00-123456789abc.jsonl`,
      "\u0000garbage\n{not json",
    );
    await Deno.writeTextFile(
      `${day}/rollout-2025-01-02T00-00-01-3f2b8c1e-9d4a-4b6e-8f00-123456789abd.jsonl`,
      '{"timestamp":"2025-01-02T00:00:01Z","type":"session_meta","payload":{"id":"3f2b8c1e-9d4a',
    );
    // A valid session whose middle line is damaged still lists, minus that line.
    await Deno.writeTextFile(
      `${day}/rollout-2025-01-02T00-00-02-3f2b8c1e-9d4a-4b6e-8f00-123456789abe.jsonl`,
      [
        JSON.stringify({
          type: "session_meta",
          payload: {
            id: "3f2b8c1e-9d4a-4b6e-8f00-123456789abe",
            cwd: h.project,
          },
        }),
        '{"type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"damag',
        JSON.stringify({
          type: "response_item",
          payload: {
            type: "message",
            role: "user",
            content: [{ type: "input_text", text: "survivor" }],
          },
        }),
      ].join("\n") + "\n",
    );
    const listed = await list(h, { cwd: h.project });
    // Newest activity first: the file written by hand is the newest.
    assertEquals(listed.sessions.map((s) => s.session_id), [
      "3f2b8c1e-9d4a-4b6e-8f00-123456789abe",
      good,
    ]);
    assertEquals(listed.sessions[0].preview, "survivor");
    assertEquals(listed.sessions[0].turns, 1);
  },
);

e2eTests(
  "codex_session_read shows MCP and hand-typed turns, newest first, page by page",
  async (h) => {
    const id = await chat(h, { cwd: h.project, prompt: "turn 1" });
    for (const n of [2, 3, 4]) {
      await chat(h, { session_id: id, prompt: `turn ${n}` });
    }
    const byHand = await h.resumeByHand(id, "turn 5 by hand");
    assertEquals(byHand.code, 0, byHand.stderr);

    const newest = await read(h, { session_id: id, turns: 2 });
    assertEquals(newest.cwd, h.project);
    assertEquals(newest.messages.map((m) => [m.role, m.sender]), [
      ["user", "ai_agent"],
      ["agent", "codex"],
      ["user", "human"],
      ["agent", "codex"],
    ]);
    assertEquals(newest.messages[0].text, "turn 4");
    assertEquals(newest.messages[2].text, "turn 5 by hand");
    assertStringIncludes(newest.messages[3].text, "ECHO turns=5");
    assert(newest.next_cursor);

    const userTexts = (page: { messages: Message[] }) =>
      page.messages.filter((m) => m.role === "user").map((m) => m.text);
    const older = await read(h, {
      session_id: id,
      turns: 2,
      cursor: newest.next_cursor,
    });
    assertEquals(userTexts(older), ["turn 2", "turn 3"]);
    const oldest = await read(h, {
      session_id: id,
      turns: 2,
      cursor: older.next_cursor,
    });
    assertEquals(userTexts(oldest), ["turn 1"]);
    assertEquals(oldest.messages[0].sender, "ai_agent");
    assertEquals(oldest.next_cursor, undefined);
    // A page that ends on the first turn says it is the start.
    const whole = await read(h, { session_id: id, turns: 5 });
    assertEquals(whole.next_cursor, undefined);
    assertEquals(
      whole.messages.filter((m) => m.role === "user").map((m) => m.sender),
      ["ai_agent", "ai_agent", "ai_agent", "ai_agent", "human"],
    );
    assert(
      !oldest.messages.some((m) => m.text.includes("MCP_CONTEXT")),
      "the header is stripped",
    );

    await h.toolError("codex_session_read", {
      session_id: "01a20000-0000-7000-8000-000000000000",
    }, "Unknown session 01a20000-0000-7000-8000-000000000000");
    await h.toolError("codex_session_read", {
      session_id: id,
      cursor: older.next_cursor!.slice(2),
    }, "is not a codex_session_read cursor");
  },
);
