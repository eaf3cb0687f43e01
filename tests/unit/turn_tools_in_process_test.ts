/**
 * The turn tools' own shapes in process (scripted backend, no Codex): what
 * plan, review, fork and the older names ask for, and how errors read.
 */

import { CodexError, sessionLocked } from "../../src/errors.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
} from "../support/assert.ts";
import { inProcessTest } from "../support/in_process.ts";

inProcessTest(
  "errors say what went wrong, the session, the turn and what to do; the server goes on",
  ({ prompt, sessionId }) => {
    if (prompt === "ok") return "fine";
    if (prompt === "locked") {
      throw sessionLocked(sessionId, "already has an active writer");
    }
    throw new CodexError("codex_failed", "The Codex turn failed: boom", {
      sessionId,
      hint: "Check the model.",
    });
  },
  async (s) => {
    const outside = await s.failure("codex_chat", { cwd: "/", prompt: "x" });
    assertStringIncludes(outside, "CODEX_PERSISTENT_MCP_ROOTS");
    assertEquals(s.backend.requests.length, 0);
    const failed = await s.failure("codex_chat", {
      cwd: s.project,
      prompt: "x",
    });
    assertMatch(
      failed,
      /codex_chat failed \(codex_failed\): The Codex turn failed: boom\nsession_id: \S+\nturn_id: turn-\S+\nWhat to do: Check the model\./,
    );
    const session_id = await s.newSession("ok");
    const locked = await s.failure("codex_chat", {
      session_id,
      prompt: "locked",
    });
    assertStringIncludes(locked, "failed (session_locked)");
    assertStringIncludes(locked, `session_id: ${session_id}`);
    assertStringIncludes(locked, "Codex's TUI");
    const bad = await s.failure("codex_wait", { session_id: "nope" });
    assertStringIncludes(bad, "session_id must be a UUID");
  },
);

inProcessTest(
  "plan, review, fork and the older names ask for the turn they name",
  ({ request, prompt }) =>
    request.input.kind === "review" ? "REVIEWED" : `ECHO: ${prompt}`,
  async (s) => {
    for (const tool of ["codex_plan", "codex_guard_plan"]) {
      const plan = await s.answer(tool, {
        cwd: s.project,
        requirements: "count attempts",
        plan: "1. count\n2. block",
      });
      assertStringIncludes(String(plan.critique), "## Draft plan\n1. count");
    }
    for (const tool of ["codex_review", "codex_guard_final"]) {
      const summary = await s.answer(tool, {
        cwd: s.project,
        change_summary: "added a counter",
      });
      assertStringIncludes(String(summary.review), "## Change summary");
    }
    const target = await s.answer("codex_review", {
      cwd: s.project,
      target: "base_branch",
      base_branch: "main",
    });
    assertEquals(target.review, "REVIEWED");
    assertEquals(s.backend.requests.at(-1)?.input, {
      kind: "review",
      target: { type: "base_branch", branch: "main" },
    });
    const missing = await s.failure("codex_review", {
      cwd: s.project,
      target: "commit",
    });
    assertStringIncludes(missing, "target commit needs commit");
    const source = await s.newSession("source");
    const fork = await s.answer("codex_fork", {
      session_id: source,
      prompt: "go on",
    });
    assertEquals(fork.forked_from, source);
    assert(fork.session_id !== source);
    assertEquals(s.backend.requests.at(-1)?.session.kind, "fork");
    const copy = await s.answer("codex_fork", { session_id: source });
    assertEquals(s.backend.requests.at(-1)?.input, { kind: "copy" });
    assertEquals(copy.forked_from, source);
  },
);
