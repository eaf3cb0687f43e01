/**
 * Turns held by the handle, end to end against the real Codex CLI: turn
 * ids that codex_wait answers for (not a stale older reply), session ids
 * in any case, and a session another Codex process holds named as such.
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { e2eTests, eventually, type Harness } from "./support/harness.ts";
import { callTool, resultText, startServer } from "./support/mcp.ts";
import { versionAtLeast } from "../src/codex/version.ts";

async function answer(
  h: Harness,
  tool: string,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const result = await callTool(h.server.client, tool, args);
  assert(!result.isError, resultText(result));
  return result.structuredContent ?? {};
}

e2eTests(
  "codex_wait answers for the newest turn, not an older uncollected reply, and each result is collected by its turn_id",
  async (h) => {
    const sessionId = await h.newSession();
    const older = await answer(h, "codex_chat", {
      session_id: sessionId,
      prompt: "older one FAKE_SLEEP_MS=800",
      background: true,
    });
    assertEquals(older.status, "running");
    // It finishes, and nobody collects it.
    assert(
      await eventually(
        () => h.fake.requests.at(-1)?.endedAt !== undefined,
        10_000,
      ),
    );
    const later = await answer(h, "codex_chat", {
      session_id: sessionId,
      prompt: "later one FAKE_SLEEP_MS=60000",
      background: true,
    });
    assertEquals(later.uncollected_turn_ids, [older.turn_id]);
    assert(
      await eventually(
        () =>
          h.fake.requests.some((r) =>
            r.userMessages.at(-1)?.includes("later one") === true
          ),
        10_000,
      ),
    );
    await answer(h, "codex_cancel", { session_id: sessionId });
    // The newest turn was cancelled: that is what codex_wait reports.
    const report = await h.toolError(
      "codex_wait",
      { session_id: sessionId },
      "failed (cancelled)",
      `turn_id: ${later.turn_id}`,
      String(older.turn_id),
    );
    assert(!report.includes("older one"), report);
    const collected = await answer(h, "codex_wait", {
      session_id: sessionId,
      turn_id: older.turn_id,
    });
    assertStringIncludes(String(collected.reply), "older one");
    await h.toolError(
      "codex_wait",
      { session_id: sessionId, turn_id: older.turn_id },
      "failed (unknown_turn)",
    );
    // The session goes on, and the human sees every turn.
    const next = await h.turn({ session_id: sessionId, prompt: "after" });
    assertStringIncludes(next.reply, ": after");
  },
);

e2eTests(
  "a session id in upper case continues the same session, in order, with one writer",
  async (h) => {
    const sessionId = await h.newSession();
    const upper = sessionId.toUpperCase();
    const [a, b] = await Promise.all([
      h.turn({ session_id: upper, prompt: "upper FAKE_SLEEP_MS=300" }),
      h.turn({ session_id: sessionId, prompt: "lower" }),
    ]);
    assertEquals([a.sessionId, b.sessionId], [sessionId, sessionId]);
    assertStringIncludes(a.reply, "ECHO turns=2");
    assertStringIncludes(b.reply, "ECHO turns=3");
    const forked = await h.turn({ session_id: upper, prompt: "and again" });
    assertStringIncludes(forked.reply, "ECHO turns=4");
    const { sessions } = await answer(h, "codex_sessions", { cwd: h.project });
    assertEquals((sessions as unknown[]).length, 1);
    const byHand = await h.resumeByHand(sessionId, "by hand");
    assertEquals(byHand.code, 0, byHand.stderr);
    assertStringIncludes(byHand.stdout, "ECHO turns=5");
  },
);

e2eTests(
  "a session another Codex process holds is named as locked, with who may hold it; the holder's session is untouched",
  async (h) => {
    const sessionId = await h.newSession();
    await h.releaseSessions();
    // This server's app-server keeps the session loaded (and, on 0.169.0
    // and newer, its writer lock) for the idle window.
    const holder = await startServer({
      ...h.env,
      CODEX_PERSISTENT_MCP_BACKEND: "app-server",
      CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS: "60000",
    });
    try {
      const held = await callTool(holder.client, "codex_chat", {
        session_id: sessionId,
        prompt: "held",
      });
      assert(!held.isError, resultText(held));
      if (!versionAtLeast(h.version, "0.169.0")) {
        // 0.77.0 has no lock: the second writer goes on (and diverges).
        await h.turn({ session_id: sessionId, prompt: "unlocked" });
        return;
      }
      const report = await h.toolError(
        "codex_chat",
        { session_id: sessionId, prompt: "blocked" },
        "failed (session_locked)",
        `session_id: ${sessionId}`,
        "Codex's TUI",
      );
      assert(!report.includes("unknown_session"), report);
      assert(
        !h.fake.requests.some((r) =>
          r.userMessages.at(-1)?.includes("blocked") === true
        ),
      );
      const again = await callTool(holder.client, "codex_chat", {
        session_id: sessionId,
        prompt: "holder goes on",
      });
      assertStringIncludes(resultText(again), "ECHO turns=3");
    } finally {
      await holder.close();
    }
  },
);
