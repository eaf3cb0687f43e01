/**
 * End to end: turns that outlive the call that started them. Background
 * turns, the hand-off, codex_wait (collect, waiting a bounded time),
 * codex_cancel, per-session order, retention, and a restart in between.
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { codexProcesses } from "./support/codex.ts";
import { e2eTests, eventually, type Harness } from "./support/harness.ts";
import { callTool, resultText, startServer } from "./support/mcp.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A tool's structured answer; fails the test on an error result. */
async function answer(
  h: Harness,
  tool: string,
  args: Record<string, unknown>,
  client = h.server.client,
): Promise<Record<string, unknown>> {
  const result = await callTool(client, tool, args);
  assert(!result.isError, resultText(result));
  return result.structuredContent ?? {};
}

/** Starts a background turn; its session id. */
async function background(
  h: Harness,
  args: Record<string, unknown>,
): Promise<string> {
  const started = await answer(h, "codex_chat", { ...args, background: true });
  assertEquals(started.status, "running");
  return String(started.session_id);
}

/** Starts a session, then a background turn on it; the session's id. */
async function backgroundOnSession(
  h: Harness,
  prompt: string,
): Promise<string> {
  const sessionId = await h.newSession();
  assertEquals(
    await background(h, { session_id: sessionId, prompt }),
    sessionId,
  );
  return sessionId;
}

/** Whether the fake model has a request in flight whose prompt holds `text`. */
function modelWorkingOn(h: Harness, text: string): boolean {
  return h.fake.requests.some((request) =>
    request.endedAt === undefined &&
    request.userMessages.at(-1)?.includes(text)
  );
}

e2eTests(
  "a background turn returns at once with its new session's id; codex_wait says running, then returns the reply",
  async (h) => {
    const started = Date.now();
    const sessionId = await background(h, {
      cwd: h.project,
      prompt: "in the background FAKE_SLEEP_MS=4000",
    });
    assert(Date.now() - started < 3_000, "the call waited for the turn");
    assert(UUID.test(sessionId), sessionId);

    const peek = await answer(h, "codex_wait", {
      session_id: sessionId,
      wait_ms: 0,
    });
    assertEquals(peek.status, "running");
    assert(typeof peek.running_for_ms === "number");
    assertEquals(typeof peek.latest_progress, "string");
    assertEquals(peek.reply, undefined);

    const progress: string[] = [];
    const done = await callTool(h.server.client, "codex_wait", {
      session_id: sessionId,
      wait_ms: 30_000,
    }, { onprogress: (p) => progress.push(p.message ?? "") });
    assert(!done.isError, resultText(done));
    assertEquals(done.structuredContent?.status, "completed");
    assertStringIncludes(
      String(done.structuredContent?.reply),
      "ECHO turns=1 model=fake-model effort=default: in the background",
    );
    assert(done.structuredContent?.usage !== undefined);
    // A wait that carries a progressToken hears the turn like its caller.
    assert(progress.length > 0, "no progress while waiting");
    assertStringIncludes(resultText(done), "status: completed");

    // Collected: now the store answers, with the same reply.
    const again = await answer(h, "codex_wait", { session_id: sessionId });
    assertEquals(again.from_store, true);
    assertEquals(again.reply, done.structuredContent?.reply);
  },
  { CODEX_PERSISTENT_MCP_HEARTBEAT_MS: "500" },
);

e2eTests(
  "cancelling a codex_wait call stops only the wait; the turn goes on",
  async (h) => {
    const sessionId = await background(h, {
      cwd: h.project,
      prompt: "keep going FAKE_SLEEP_MS=2500",
    });
    const controller = new AbortController();
    const waiting = callTool(h.server.client, "codex_wait", {
      session_id: sessionId,
      wait_ms: 60_000,
    }, { signal: controller.signal }).then(() => false, () => true);
    assert(await eventually(() => modelWorkingOn(h, "keep going"), 10_000));
    controller.abort();
    assert(await waiting, "the wait should end with the client's cancel");
    assert(codexProcesses(h.codexHome).length > 0, "Codex was stopped");
    const done = await answer(h, "codex_wait", {
      session_id: sessionId,
      wait_ms: 30_000,
    });
    assertEquals(done.status, "completed");
    assertStringIncludes(String(done.reply), "keep going");
  },
);

e2eTests(
  "codex_cancel stops the turn and drops the model request; codex_wait reports it; the session goes on",
  async (h) => {
    const sessionId = await backgroundOnSession(
      h,
      "too long FAKE_SLEEP_MS=60000",
    );
    assert(await eventually(() => modelWorkingOn(h, "too long"), 10_000));
    const cancelled = await answer(h, "codex_cancel", {
      session_id: sessionId,
    });
    const [stoppedTurn] = cancelled.turn_ids as string[];
    assertEquals(cancelled, {
      session_id: sessionId,
      status: "cancelled",
      cancelled: 1,
      turn_ids: [stoppedTurn],
    });
    assert(
      await eventually(
        () => h.fake.requests.at(-1)?.dropped === true,
        5_000,
      ),
      "the model request is still open",
    );
    const report = await h.toolError(
      "codex_wait",
      { session_id: sessionId },
      "failed (cancelled)",
      "codex_cancel was called",
      `session_id: ${sessionId}`,
      `turn_id: ${stoppedTurn}`,
    );
    assert(!report.includes("ECHO"), report);
    const next = await h.turn({ session_id: sessionId, prompt: "after" });
    assertStringIncludes(next.reply, ": after");
    const idle = await answer(h, "codex_cancel", { session_id: sessionId });
    assertEquals(idle.status, "idle");
    assertEquals(idle.cancelled, 0);
  },
);

e2eTests(
  "shutting the server down ends a background turn's Codex; the session stays in Codex's store",
  async (h) => {
    const sessionId = await background(h, {
      cwd: h.project,
      prompt: "left running FAKE_SLEEP_MS=60000",
    });
    assert(await eventually(() => modelWorkingOn(h, "left running"), 10_000));
    assert(codexProcesses(h.codexHome).length > 0);
    await h.server.close();
    assert(
      await eventually(() => codexProcesses(h.codexHome).length === 0, 5_000),
      "a background turn's Codex outlived the server",
    );
    const fresh = await startServer(h.env);
    try {
      const listed = await answer(h, "codex_sessions", {}, fresh.client);
      assertEquals(
        (listed.sessions as { session_id: string }[]).map((s) => s.session_id),
        [sessionId],
      );
    } finally {
      await fresh.close();
    }
  },
);

e2eTests(
  "after a server restart codex_wait returns the session's last reply from Codex's store",
  async (h) => {
    const first = await h.turn({ cwd: h.project, prompt: "remember me" });
    await h.server.close();
    await h.releaseSessions();
    const fresh = await startServer(h.env);
    try {
      const waited = await answer(h, "codex_wait", {
        session_id: first.sessionId,
      }, fresh.client);
      assertEquals(waited.status, "completed");
      assertEquals(waited.from_store, true);
      assertEquals(waited.reply, first.reply);
    } finally {
      await fresh.close();
    }
  },
);

e2eTests(
  "past CODEX_PERSISTENT_MCP_HANDOFF_MS a call returns running, codex_wait is bounded by it too, and the reply arrives",
  async (h) => {
    const started = Date.now();
    const handed = await answer(h, "codex_chat", {
      cwd: h.project,
      prompt: "slow one FAKE_SLEEP_MS=6000",
    });
    assertEquals(handed.status, "running");
    assert(Date.now() - started < 5_000, "the call was not handed off");
    assert(UUID.test(String(handed.session_id)));
    // The hand-off bounds every call: a wait asking for longer (or for the
    // 30 s default) still answers running while the turn goes on.
    for (const wait of [{ wait_ms: 30_000 }, {}]) {
      const waited = await answer(h, "codex_wait", {
        session_id: handed.session_id,
        ...wait,
      });
      assertEquals(
        [waited.status, waited.turn_id],
        ["running", handed.turn_id],
        JSON.stringify(wait),
      );
    }
    assertEquals(h.fake.requests[0].endedAt, undefined, "the turn ended");
    let done: Record<string, unknown> = {};
    while (done.status !== "completed") {
      done = await answer(h, "codex_wait", {
        session_id: handed.session_id,
        turn_id: handed.turn_id,
      });
    }
    assertEquals(done.turn_id, handed.turn_id);
    assertStringIncludes(String(done.reply), "slow one");
    // A quick call still completes within the hand-off.
    const quick = await h.turn({ cwd: h.project, prompt: "quick" });
    assertEquals(quick.result.structuredContent?.status, "completed");
  },
  { CODEX_PERSISTENT_MCP_HANDOFF_MS: "1500" },
);

e2eTests(
  "a call on a session with a background turn waits behind it, and both replies can be collected",
  async (h) => {
    const sessionId = await backgroundOnSession(
      h,
      "first FAKE_SLEEP_MS=1500",
    );
    const running = async () => {
      const { sessions } = await answer(h, "codex_sessions", {
        cwd: h.project,
      });
      return (sessions as { session_id: string; running: boolean }[])
        .map((s) => [s.session_id, s.running]);
    };
    assertEquals(await running(), [[sessionId, true]]);
    const second = await h.turn({ session_id: sessionId, prompt: "second" });
    // The background turn ran first: the second saw its turn.
    assertStringIncludes(second.reply, "ECHO turns=3");
    const [, first, then] = h.fake.requests;
    assert(first.endedAt! <= then.startedAt, "the two turns overlapped");
    const collected = await answer(h, "codex_wait", {
      session_id: sessionId,
    });
    assertStringIncludes(String(collected.reply), "ECHO turns=2");
    assertStringIncludes(String(collected.reply), ": first");
    assertEquals(collected.from_store, undefined);
    assertEquals(await running(), [[sessionId, false]]);
  },
);

e2eTests(
  "unknown session ids are clear errors for codex_wait and codex_cancel",
  async (h) => {
    const unknown = "01a20000-0000-7000-8000-000000000000";
    for (const tool of ["codex_wait", "codex_cancel"]) {
      await h.toolError(
        tool,
        { session_id: unknown },
        `${tool} failed (unknown_session)`,
        `Unknown session ${unknown}`,
        "codex_sessions",
      );
    }
    await h.toolError(
      "codex_wait",
      { session_id: unknown, wait_ms: -1 },
      "wait_ms must be at least 0",
    );
  },
);

e2eTests(
  "uncollected results are kept up to CODEX_PERSISTENT_MCP_MAX_RETAINED_RESULTS; older ones come from the store",
  async (h) => {
    const one = await background(h, { cwd: h.project, prompt: "one" });
    assert(await eventually(() => h.fake.requests.length === 1, 10_000));
    const two = await background(h, { cwd: h.project, prompt: "two" });
    // Both finished, neither collected: only the newest result is kept.
    const idle = async () => {
      const { sessions } = await answer(h, "codex_sessions", {
        cwd: h.project,
      });
      return (sessions as { running: boolean }[]).every((s) => !s.running);
    };
    assert(await eventually(idle, 10_000), "the turns did not finish");
    const kept = await answer(h, "codex_wait", { session_id: two });
    assertEquals(kept.from_store, undefined);
    assertStringIncludes(String(kept.reply), ": two");
    const dropped = await answer(h, "codex_wait", { session_id: one });
    assertEquals(dropped.from_store, true);
    assertStringIncludes(String(dropped.reply), ": one");
  },
  { CODEX_PERSISTENT_MCP_MAX_RETAINED_RESULTS: "1" },
);
