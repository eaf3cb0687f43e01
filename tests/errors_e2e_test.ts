/**
 * End to end: every bad input and every failure gets a clear tool error, no
 * Codex process is left behind, and the server keeps serving afterwards.
 */

import { versionAtLeast } from "../src/codex/version.ts";
import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { codexProcesses } from "./support/codex.ts";
import { e2eTests, type Harness } from "./support/harness.ts";
import { callTool, resultText, startServer } from "./support/mcp.ts";

/** A codex_chat call that must fail with every `expected` part. */
function expectError(
  h: Harness,
  args: Record<string, unknown>,
  ...expected: string[]
): Promise<string> {
  return h.toolError("codex_chat", args, ...expected);
}

async function expectServerStillServes(h: Harness): Promise<void> {
  const { reply } = await h.turn({ cwd: h.project, prompt: "still alive?" });
  assertStringIncludes(reply, "still alive?");
}

e2eTests(
  "bad input is refused before Codex runs, with a message that says what to do",
  async (h) => {
    const file = await Deno.makeTempFile();
    try {
      await expectError(
        h,
        { prompt: "x", session_id: "not-a-uuid" },
        "session_id must be a UUID",
      );
      await expectError(
        h,
        { prompt: "x", session_id: "01a20000-0000-7000-8000-000000000000" },
        "Unknown session 01a20000-0000-7000-8000-000000000000",
        "session_id: 01a20000-0000-7000-8000-000000000000",
      );
      await expectError(
        h,
        { prompt: "x" },
        "cwd is required to start a new session",
      );
      await expectError(
        h,
        { prompt: "x", cwd: `${h.project}/missing` },
        "does not exist",
      );
      await expectError(h, { prompt: "x", cwd: file }, "is not a directory");
      await expectError(
        h,
        { prompt: "x", cwd: "relative/dir" },
        "is not an absolute path",
      );
      await expectError(
        h,
        { prompt: "   ", cwd: h.project },
        "prompt must not be empty",
      );
      await expectError(h, { cwd: h.project }, "prompt");
      await expectError(
        h,
        { prompt: "x", cwd: h.project, reasoning_effort: "bogus" },
        "reasoning_effort must be one of: none, minimal, low, medium, high, xhigh",
      );
      await expectError(
        h,
        { prompt: "x", cwd: h.project, timeout_ms: 0 },
        "timeout_ms must be at least 1000",
      );
      await expectError(
        h,
        { prompt: "x", cwd: h.project, timeout_ms: 1.5 },
        "timeout_ms must be a whole number",
      );
      await expectError(
        h,
        { prompt: "x", cwd: h.project, model: "--json" },
        "model must be a model name",
      );
      assertEquals(h.fake.requests.length, 0, "Codex must not have run");
      await expectServerStillServes(h);
    } finally {
      await Deno.remove(file);
    }
  },
);

e2eTests(
  "a failed turn reports Codex's message and the session_id",
  async (h) => {
    const text = await expectError(
      h,
      { prompt: "please FAKE_FAIL", cwd: h.project },
      "failed (codex_failed)",
      "fake response.failed message",
      "session_id: ",
    );
    assert(/session_id: [0-9a-f-]{36}/.test(text), text);
    await expectError(
      h,
      { prompt: "FAKE_HTTP=500", cwd: h.project },
      "failed (codex_failed)",
      "session_id: ",
    );
    await expectServerStillServes(h);
  },
);

e2eTests(
  "Codex failing to start a turn gives its own message (exec: exit code and stderr)",
  async (h) => {
    await Deno.writeTextFile(
      `${h.codexHome}/config.toml`,
      "model = [broken\n",
    );
    // Codex's own words, which no hint of ours contains.
    const text = await expectError(
      h,
      { prompt: "x", cwd: h.project },
      "unclosed array, expected `]`",
    );
    if (h.backend === "app-server" && versionAtLeast(h.version, "0.169.0")) {
      // This app-server starts and refuses the thread with Codex's error.
      assertStringIncludes(
        text,
        "failed (codex_failed): Codex could not start a session: failed to load configuration",
      );
    } else {
      // exec exits; 0.77.0's app-server exits too, and the call falls
      // back to exec.
      assertStringIncludes(
        text,
        "failed (codex_exited): Codex exited with code 1",
      );
    }
  },
);

e2eTests(
  "a missing Codex executable names CODEX_BIN, and the server survives",
  async (h) => {
    await expectError(
      h,
      { prompt: "x", cwd: h.project },
      "failed (codex_missing)",
      "CODEX_BIN",
      "/nonexistent/bin/codex",
    );
    const { tools } = await h.server.client.listTools();
    assertEquals(tools.length, 10);
  },
  {
    CODEX_BIN: "/nonexistent/bin/codex",
  },
);

e2eTests(
  "a timeout ends every Codex process, names the session, and the session resumes",
  async (h) => {
    const text = await expectError(
      h,
      { prompt: "FAKE_HANG", cwd: h.project, timeout_ms: 2000 },
      "failed (timeout)",
      "timed out after",
      "timeout_ms=2000",
      "session_id: ",
    );
    assertEquals(
      codexProcesses(h.codexHome),
      [],
      "a Codex process outlived the timeout",
    );
    const sessionId = text.match(/session_id: ([0-9a-f-]{36})/)![1];
    // The other sessions and the server are unaffected.
    await expectServerStillServes(h);
    // A fresh server process can still be used after the failure.
    const fresh = await startServer(h.env);
    try {
      const resumed = await callTool(fresh.client, "codex_chat", {
        session_id: sessionId,
        prompt: "again",
        cwd: h.project,
      });
      assert(!resumed.isError, resultText(resumed));
      assertEquals(resumed.structuredContent?.session_id, sessionId);
    } finally {
      await fresh.close();
    }
  },
);
