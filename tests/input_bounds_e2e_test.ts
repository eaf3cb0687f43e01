/**
 * End to end: bad input gets a clear error before any session exists, and
 * never stalls or bloats the server: prompt and model size, output schemas
 * too deep or too large, text that is not valid Unicode, too many queued
 * turns, and a request too large to read.
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { e2eTests, type Harness } from "./support/harness.ts";
import { callTool, resultText } from "./support/mcp.ts";

/** Rollout files in the harness's store: none means no session was made. */
function storedSessions(h: Harness): number {
  let count = 0;
  const walk = (dir: string): void => {
    try {
      for (const entry of Deno.readDirSync(dir)) {
        if (entry.isDirectory) walk(`${dir}/${entry.name}`);
        else if (entry.name.endsWith(".jsonl")) count++;
      }
    } catch {
      // No sessions directory yet.
    }
  };
  walk(`${h.codexHome}/sessions`);
  return count;
}

/** An object nested `depth` levels deep. */
function nested(depth: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: "string" };
  for (let level = 1; level < depth; level++) {
    schema = { type: "object", properties: { a: schema } };
  }
  return schema;
}

e2eTests(
  "prompts, models and schemas past their bounds and text that is not Unicode are refused before any session exists",
  async (h) => {
    const cwd = h.project;
    await h.toolError(
      "codex_chat",
      { cwd, prompt: "x".repeat(1_000_001) },
      "failed (bad_input)",
      "more than the 1000000 this server sends to Codex",
    );
    await h.toolError(
      "codex_plan",
      { cwd, requirements: "r", plan: "p".repeat(1_000_000) },
      "failed (bad_input)",
      "more than the 1000000",
    );
    await h.toolError(
      "codex_chat",
      { cwd, prompt: "x", model: "m".repeat(201) },
      "model must be at most 200 characters",
    );
    for (const prompt of ["bad \ud800 text", "bad \udfff"]) {
      await h.toolError(
        "codex_chat",
        { cwd, prompt },
        "failed (bad_input)",
        "prompt holds text that is not valid Unicode",
      );
    }
    await h.toolError(
      "codex_chat",
      { cwd, prompt: "x", output_schema: { title: "\ud83d" } },
      "output_schema holds text that is not valid Unicode",
    );
    for (const depth of [1_000, 5_000]) {
      await h.toolError(
        "codex_chat",
        { cwd, prompt: "x", output_schema: nested(depth) },
        "failed (bad_input)",
        "output_schema is nested",
        "more than 64",
      );
    }
    await h.toolError(
      "codex_chat",
      {
        cwd,
        prompt: "x",
        output_schema: { type: "string", description: "d".repeat(300_000) },
      },
      "output_schema has 300034 characters as JSON, more than 262144",
    );
    assertEquals(h.fake.requests.length, 0, "Codex ran");
    assertEquals(storedSessions(h), 0, "a session was created");
    // Well-formed surrogate pairs are fine.
    const { reply } = await h.turn({ cwd, prompt: "emoji 😀 ok" });
    assertStringIncludes(reply, "emoji 😀 ok");
  },
);

e2eTests(
  "turns past the queue bounds are refused at once, naming the setting; the accepted ones still finish",
  async (h) => {
    const sessionId = await h.newSession();
    const slow = { session_id: sessionId, prompt: "FAKE_SLEEP_MS=1500" };
    const accepted = [
      await h.turn({ ...slow, background: true }),
      await h.turn({ ...slow, background: true }),
    ];
    assertEquals(accepted.map((a) => a.result.structuredContent?.status), [
      "running",
      "running",
    ]);
    const text = await h.toolError(
      "codex_chat",
      { ...slow, background: true },
      "failed (busy)",
      `2 turns are already queued or running on session ${sessionId}`,
      "CODEX_PERSISTENT_MCP_MAX_QUEUED_PER_SESSION=2",
    );
    assertStringIncludes(text, "codex_wait");
    const other = await h.turn({
      cwd: h.project,
      prompt: "FAKE_SLEEP_MS=1500",
      background: true,
    });
    await h.toolError(
      "codex_chat",
      { cwd: h.project, prompt: "x" },
      "failed (busy)",
      "CODEX_PERSISTENT_MCP_MAX_QUEUED=3",
    );
    for (const id of [sessionId, other.sessionId]) {
      const waited = await callTool(h.server.client, "codex_wait", {
        session_id: id,
        wait_ms: 30_000,
      });
      assert(!waited.isError, resultText(waited));
    }
    // With room again, the session takes turns.
    await h.turn({ session_id: sessionId, prompt: "after the queue" });
  },
  {
    CODEX_PERSISTENT_MCP_MAX_QUEUED_PER_SESSION: "2",
    CODEX_PERSISTENT_MCP_MAX_QUEUED: "3",
  },
);

e2eTests(
  "a request too large to read is answered with an error and stalls nothing: the next call is served",
  async (h) => {
    const error = await callTool(h.server.client, "codex_chat", {
      cwd: h.project,
      prompt: "x".repeat(50 * 1024 * 1024),
    }).then(() => undefined, (error: Error) => error);
    assert(error !== undefined, "a 50 MB request was served");
    assertStringIncludes(
      error.message,
      "The request is larger than this server reads",
    );
    assertStringIncludes(error.message, "at most 16,777,216");
    const { reply } = await h.turn({ cwd: h.project, prompt: "still here" });
    assertStringIncludes(reply, "still here");
  },
);
