/**
 * Every tool through the official MCP client, in process: the real server
 * and turn service on a scripted backend (no Codex). Hand-off, background,
 * wait and cancel by turn id, retention, queue order, progress, the
 * session tools, and how errors read.
 */

import { namedSession } from "../../src/codex/session_intent.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
} from "../support/assert.ts";
import { eventually } from "../support/harness.ts";
import { type InProcess, inProcessTest } from "../support/in_process.ts";
import { Gate, type TurnScript } from "../support/scripted_backend.ts";

const echo: TurnScript = ({ prompt }) => `ECHO: ${prompt}`;

/** Waits until nothing is queued or running on the session. */
function idle(s: InProcess, sessionId: unknown): Promise<boolean> {
  return eventually(
    () => s.server.turns.runningTurnOf(String(sessionId)) === undefined,
    2_000,
  );
}

/** Gates by prompt: a turn whose prompt names a gate waits for it. */
function gated(gates: Record<string, Gate>): TurnScript {
  return async ({ prompt, stopped }) => {
    const gate = gates[prompt];
    if (gate !== undefined) await Promise.race([gate.opened, stopped]);
    return `ECHO: ${prompt}`;
  };
}

inProcessTest("lists the ten tools, each with its schemas", echo, async (s) => {
  const { tools } = await s.client.listTools();
  assertEquals(tools.length, 10);
  assert(tools.every((tool) => tool.outputSchema !== undefined));
});

inProcessTest(
  "a turn's result names its session and turn; the session tools see it",
  echo,
  async (s) => {
    const first = await s.answer("codex_chat", {
      cwd: s.project,
      prompt: "hi",
    });
    assertEquals(first.status, "completed");
    assertMatch(String(first.turn_id), /^turn-[0-9a-z]+-1$/);
    assertEquals(first.reply, "ECHO: hi");
    const sessionId = String(first.session_id);
    const again = await s.answer("codex_chat", {
      session_id: sessionId,
      prompt: "again",
    });
    assertMatch(String(again.turn_id), /^turn-[0-9a-z]+-2$/);
    assertEquals(s.backend.requests[1].cwd, s.project);
    const { sessions } = await s.answer("codex_sessions", {});
    assertEquals(
      (sessions as { session_id: string; running: boolean }[]).map((x) => [
        x.session_id,
        x.running,
      ]),
      [[sessionId, false]],
    );
    const read = await s.answer("codex_session_read", {
      session_id: sessionId,
    });
    assertEquals(
      (read.messages as { text: string }[]).map((m) => m.text).slice(-2),
      ["again", "ECHO: again"],
    );
  },
);

inProcessTest(
  "session ids in upper case reach the backend, queue and store in Codex's spelling",
  gated({}),
  async (s) => {
    const session_id = await s.newSession("one");
    const upper = String(session_id).toUpperCase();
    const [a, b] = await Promise.all([
      s.answer("codex_chat", { session_id: upper, prompt: "two" }),
      s.answer("codex_chat", { session_id, prompt: "three" }),
    ]);
    assertEquals([a.session_id, b.session_id], [session_id, session_id]);
    assertEquals(
      s.backend.requests.map((request) => namedSession(request.session)),
      [undefined, session_id, session_id],
    );
    const waited = await s.answer("codex_wait", { session_id: upper });
    assertEquals([waited.session_id, waited.from_store], [session_id, true]);
  },
);

inProcessTest(
  "the hand-off bounds every call: a turn and a codex_wait without wait_ms both answer running in time",
  gated({ slow: new Gate() }),
  async (s) => {
    const handed = await s.answer("codex_chat", {
      cwd: s.project,
      prompt: "slow",
    });
    assertEquals(handed.status, "running");
    const waited = await s.answer("codex_wait", {
      session_id: handed.session_id,
    });
    // Without the bound this would wait the default 30 s for a turn that
    // never ends, and the test would time out.
    assertEquals([waited.status, waited.turn_id], ["running", handed.turn_id]);
    const asked = await s.answer("codex_wait", {
      session_id: handed.session_id,
      wait_ms: 600_000,
    });
    assertEquals(asked.status, "running");
    await s.answer("codex_cancel", { session_id: handed.session_id });
  },
  { CODEX_PERSISTENT_MCP_HANDOFF_MS: "300" },
);

const olderGate = new Gate();
inProcessTest(
  "codex_wait answers for the turn asked, else the newest, and names the older uncollected ones",
  gated({ older: olderGate, later: new Gate() }),
  async (s) => {
    const older = await s.answer("codex_chat", {
      cwd: s.project,
      prompt: "older",
      background: true,
    });
    assertEquals(older.status, "running");
    const sessionId = older.session_id;
    // The older turn finishes; nobody collects it.
    olderGate.open();
    assert(await idle(s, sessionId));
    const later = await s.answer("codex_chat", {
      session_id: sessionId,
      prompt: "later",
      background: true,
    });
    assertEquals(later.uncollected_turn_ids, [older.turn_id]);
    const cancelled = await s.answer("codex_cancel", {
      session_id: sessionId,
      turn_id: later.turn_id,
    });
    assertEquals(cancelled.turn_ids, [later.turn_id]);
    const report = await s.failure("codex_wait", { session_id: sessionId });
    assertStringIncludes(report, "failed (cancelled)");
    assertStringIncludes(report, `turn_id: ${later.turn_id}`);
    assertStringIncludes(report, String(older.turn_id));
    assert(!report.includes("ECHO: older"), report);
    const collected = await s.answer("codex_wait", {
      session_id: sessionId,
      turn_id: older.turn_id,
    });
    assertEquals([collected.reply, collected.turn_id], [
      "ECHO: older",
      older.turn_id,
    ]);
    assertEquals(collected.uncollected_turn_ids, undefined);
    const gone = await s.failure("codex_wait", {
      session_id: sessionId,
      turn_id: older.turn_id,
    });
    assertStringIncludes(gone, "failed (unknown_turn)");
    // With nothing kept, the store's last reply.
    const stored = await s.answer("codex_wait", { session_id: sessionId });
    assertEquals([stored.from_store, stored.reply], [true, "ECHO: older"]);
  },
);

const retained = new Gate();
inProcessTest(
  "uncollected results are kept up to the bound; a dropped one is an unknown turn",
  gated({ p1: retained, p2: retained, p3: retained }),
  async (s) => {
    const first = await s.answer("codex_chat", {
      cwd: s.project,
      prompt: "p0",
    });
    const sessionId = first.session_id;
    const ids: unknown[] = [];
    for (const prompt of ["p1", "p2", "p3"]) {
      const started = await s.answer("codex_chat", {
        session_id: sessionId,
        prompt,
        background: true,
      });
      assertEquals(started.status, "running");
      ids.push(started.turn_id);
    }
    retained.open();
    assert(await idle(s, sessionId));
    const dropped = await s.failure("codex_wait", {
      session_id: sessionId,
      turn_id: ids[0],
    });
    assertStringIncludes(dropped, "CODEX_PERSISTENT_MCP_MAX_RETAINED_RESULTS");
    const newest = await s.answer("codex_wait", { session_id: sessionId });
    assertEquals([newest.turn_id, newest.uncollected_turn_ids], [ids[2], [
      ids[1],
    ]]);
  },
  { CODEX_PERSISTENT_MCP_MAX_RETAINED_RESULTS: "2" },
);

inProcessTest(
  "calls on one session run in arrival order; codex_sessions shows the running turn",
  gated({ first: new Gate() }),
  async (s) => {
    const session_id = await s.newSession("start");
    const first = await s.answer("codex_chat", {
      session_id,
      prompt: "first",
      background: true,
    });
    const queued = ["second", "third"].map((prompt) =>
      s.answer("codex_chat", { session_id, prompt })
    );
    const { sessions } = await s.answer("codex_sessions", {});
    assertEquals(
      (sessions as { running: boolean; turn_id?: string }[])[0].running,
      true,
    );
    // The first reaches Codex (and waits at its gate); the others queue.
    assert(await eventually(() => s.backend.requests.length === 2, 2_000));
    await s.answer("codex_cancel", { session_id, turn_id: first.turn_id });
    const replies = await Promise.all(queued);
    assertEquals(replies.map((r) => r.reply), ["ECHO: second", "ECHO: third"]);
    assertEquals(
      s.backend.requests.map((r) => r.input.kind === "prompt" && r.input.text),
      ["start", "first", "second", "third"],
    );
  },
);

inProcessTest(
  "progress reaches the client while a turn runs",
  async ({ emit }) => {
    emit({
      type: "item.started",
      item: {
        id: "i1",
        type: "command_execution",
        command: "npm test",
        aggregated_output: "",
        exit_code: null,
        status: "in_progress",
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    return "done";
  },
  async (s) => {
    const messages: string[] = [];
    await s.client.callTool(
      { name: "codex_chat", arguments: { cwd: s.project, prompt: "go" } },
      { onprogress: (progress) => messages.push(progress.message ?? "") },
    );
    assert(messages.some((m) => m.includes("npm test")), messages.join("|"));
  },
);
