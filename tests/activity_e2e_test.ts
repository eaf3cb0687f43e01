/**
 * End to end against the real Codex CLI, on every version and backend: a
 * turn's result says which files Codex changed and which commands it ran
 * (only that turn's), in `activity` and in a line of its text; so do
 * `codex_wait`, a result read back from the store by a fresh server, and
 * `codex_session_read` for every turn, a turn typed by hand included.
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { applyPatch, script } from "./support/attack.ts";
import { e2eTests, type TurnAnswer } from "./support/harness.ts";
import { callTool, resultText, startServer } from "./support/mcp.ts";

interface Activity {
  commands: {
    command: string;
    exit_code: number | null;
    status: string;
    duration_ms?: number;
    output_tail?: string;
  }[];
  file_changes: {
    path: string;
    kind: string;
    lines_added?: number;
    lines_removed?: number;
    diff?: string;
  }[];
}

function activityOf(answer: TurnAnswer): Activity {
  return answer.result.structuredContent?.activity as Activity;
}

const ADD = applyPatch("*** Add File: notes.md\n+hello\n+world");
const UPDATE = applyPatch(
  "*** Update File: notes.md\n@@\n hello\n-world\n+there",
);

e2eTests(
  "a turn's result lists the files it changed and the commands it ran, only its own; a talk-only turn has empty lists",
  async (h) => {
    const write = { sandbox: "workspace-write" };
    const added = await h.turn({ cwd: h.project, ...write, prompt: ADD });
    const session_id = added.sessionId;
    assertEquals(
      activityOf(added).file_changes.map(({ path, kind }) => ({ path, kind })),
      [{ path: "notes.md", kind: "add" }],
    );
    assertEquals(activityOf(added).commands, []);
    assertStringIncludes(
      resultText(added.result),
      "Codex changed 1 file: notes.md (added)",
    );
    const updated = await h.turn({ session_id, ...write, prompt: UPDATE });
    const [change] = activityOf(updated).file_changes;
    assertEquals(activityOf(updated).file_changes.length, 1);
    assertEquals([change.path, change.kind], ["notes.md", "update"]);
    if (h.backend === "app-server") {
      // The app-server gives the diff: one line out, one in.
      assertEquals([change.lines_added, change.lines_removed], [1, 1]);
      assertStringIncludes(change.diff ?? "", "-world\n+there");
    }
    const failed = await h.turn({
      session_id,
      ...write,
      prompt: script("echo checking; exit 3"),
    });
    const [command] = activityOf(failed).commands;
    assertEquals(activityOf(failed).commands.length, 1);
    assertEquals([command.exit_code, command.status], [3, "failed"]);
    assertStringIncludes(command.command, "echo checking; exit 3");
    assertStringIncludes(command.output_tail ?? "", "checking");
    if (h.backend === "app-server") {
      assert(typeof command.duration_ms === "number", "no duration");
    }
    assertEquals(activityOf(failed).file_changes, []);
    assertStringIncludes(
      resultText(failed.result),
      "Codex ran 1 command, 1 failed (exit 3):",
    );
    const talk = await h.turn({ session_id, prompt: "just talk" });
    assertEquals(activityOf(talk), { commands: [], file_changes: [] });
    assert(!resultText(talk.result).includes("Codex ran"));
    assert(!resultText(talk.result).includes("Codex changed"));
  },
);

e2eTests(
  "a background turn's activity comes with codex_wait, and a fresh server reads every turn's activity back from the store, a turn typed by hand included",
  async (h) => {
    const started = await callTool(h.server.client, "codex_chat", {
      cwd: h.project,
      sandbox: "workspace-write",
      prompt: ADD,
      background: true,
    });
    assert(!started.isError, resultText(started));
    const { session_id, turn_id } = started.structuredContent as {
      session_id: string;
      turn_id: string;
    };
    const waited = await callTool(h.server.client, "codex_wait", {
      session_id,
      turn_id,
    });
    const collected = waited.structuredContent?.activity as Activity;
    assertEquals(collected.file_changes[0]?.path, "notes.md");
    await h.turn({
      session_id,
      sandbox: "workspace-write",
      prompt: script("echo second; exit 5"),
    });
    // The user continues it by hand (read-only: a command, no patch).
    const byHand = await h.resumeByHand(
      session_id,
      script("echo by-hand; exit 4"),
    );
    assertEquals(byHand.code, 0, byHand.stderr);
    const fresh = await startServer(h.env);
    try {
      const read = await callTool(fresh.client, "codex_session_read", {
        session_id,
      });
      assert(!read.isError, resultText(read));
      const turns = (read.structuredContent?.messages as {
        role: string;
        activity?: Activity;
      }[]).filter((message) => message.role === "user");
      assertEquals(turns.length, 3);
      assertEquals(
        turns[0].activity?.file_changes.map(({ path, kind }) => ({
          path,
          kind,
        })),
        [{ path: "notes.md", kind: "add" }],
      );
      assertEquals(turns[0].activity?.commands, []);
      const codes = turns.slice(1).map((turn) =>
        turn.activity?.commands.map((command) => command.exit_code)
      );
      assertEquals(codes, [[5], [4]]);
      assertEquals(turns[2].activity?.file_changes, []);
      assertStringIncludes(resultText(read), "[what codex did]");
      // A fresh server's codex_wait reads the last turn back from the store.
      const stored = await callTool(fresh.client, "codex_wait", {
        session_id,
        wait_ms: 0,
      });
      const last = stored.structuredContent?.activity as Activity;
      assertEquals(last.commands.map((command) => command.exit_code), [4]);
    } finally {
      await fresh.close();
    }
  },
);
