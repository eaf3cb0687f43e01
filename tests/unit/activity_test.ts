/**
 * A turn's activity, pure: each item shape (exec JSONL, app-server
 * notifications, rollout lines of 0.77.0 and 0.169.0+) maps to the same
 * entries, within the bounds; and the line text-only clients read.
 */

import {
  type Activity,
  MAX_COMMANDS,
  MAX_DIFF_CHARS,
  MAX_FILE_CHANGES,
  MAX_TOTAL_DIFF_CHARS,
  newActivity,
  recordCommand,
  recordFileChange,
  relativeTo,
} from "../../src/activity.ts";
import { parseEventLine } from "../../src/codex/events.ts";
import { newTurnState, reduceTurn } from "../../src/codex/turn.ts";
import {
  newAppServerStream,
  toThreadEvent,
} from "../../src/codex/app_server/events.ts";
import { parseAppServerLine } from "../../src/codex/app_server/protocol.ts";
import { activityLine } from "../../src/mcp/calls/activity_output.ts";
import {
  BackwardActivity,
  parseActivityLine,
} from "../../src/store/rollout_activity.ts";
import { assert, assertEquals } from "../support/assert.ts";

Deno.test("exec JSONL: command_execution and file_change items become entries; a failed patch changes nothing", () => {
  const state = newTurnState();
  for (
    const line of [
      '{"type":"item.completed","item":{"id":"i1","type":"command_execution","command":"/bin/bash -lc \'npm test\'","aggregated_output":"1 failing\\n","exit_code":1,"status":"failed"}}',
      '{"type":"item.completed","item":{"id":"i2","type":"file_change","changes":[{"path":"/repo/a.ts","kind":"update"},{"path":"/repo/b.ts","kind":"add"}],"status":"completed"}}',
      '{"type":"item.completed","item":{"id":"i3","type":"file_change","changes":[{"path":"/repo/c.ts","kind":"add"}],"status":"failed"}}',
      '{"type":"item.started","item":{"id":"i4","type":"command_execution","command":"ls","aggregated_output":"","exit_code":null,"status":"in_progress"}}',
    ]
  ) reduceTurn(state, parseEventLine(line)!);
  assertEquals(relativeTo(state.activity, "/repo"), {
    commands: [{
      command: "/bin/bash -lc 'npm test'",
      exit_code: 1,
      status: "failed",
      output_tail: "1 failing",
    }],
    file_changes: [
      { path: "a.ts", kind: "update" },
      { path: "b.ts", kind: "add" },
    ],
  });
});

Deno.test("app-server: commandExecution carries its duration, fileChange its diff (an add's content becomes + lines)", () => {
  const state = newTurnState();
  const stream = newAppServerStream();
  for (
    const item of [
      {
        type: "commandExecution",
        id: "c",
        command: "bash -c 'exit 2'",
        status: "failed",
        aggregatedOutput: "boom\n",
        exitCode: 2,
        durationMs: 41,
      },
      {
        type: "fileChange",
        id: "f",
        status: "completed",
        changes: [
          { path: "/r/n.md", kind: { type: "add" }, diff: "hello\nworld\n" },
          {
            path: "/r/a.ts",
            kind: { type: "update", move_path: null },
            diff: "@@ -1,2 +1,2 @@\n hello\n-world\n+there\n",
          },
        ],
      },
    ]
  ) {
    const message = parseAppServerLine(JSON.stringify({
      method: "item/completed",
      params: { threadId: "t", item },
    }));
    assert(message?.kind === "notification");
    reduceTurn(state, toThreadEvent(message.notification, stream, 0)!);
  }
  assertEquals(state.activity.commands, [{
    command: "bash -c 'exit 2'",
    exit_code: 2,
    status: "failed",
    duration_ms: 41,
    output_tail: "boom",
  }]);
  assertEquals(state.activity.file_changes, [
    {
      path: "/r/n.md",
      kind: "add",
      lines_added: 2,
      lines_removed: 0,
      diff: "+hello\n+world\n",
    },
    {
      path: "/r/a.ts",
      kind: "update",
      lines_added: 1,
      lines_removed: 1,
      diff: "@@ -1,2 +1,2 @@\n hello\n-world\n+there\n",
    },
  ]);
});

/** The activity of rollout lines, read backwards as the page reader does. */
function fromRollout(lines: unknown[]): Activity {
  const turn = new BackwardActivity();
  for (const line of lines.toReversed()) {
    const parsed = parseActivityLine(JSON.stringify(line));
    if (parsed !== undefined) turn.add(parsed);
  }
  return turn.take();
}

Deno.test("rollout 0.169.0+: item_completed CommandExecution and FileChange events", () => {
  const activity = fromRollout([
    {
      type: "event_msg",
      payload: {
        type: "item_completed",
        item: {
          type: "CommandExecution",
          command: ["/bin/bash", "-c", "echo out; exit 3"],
          status: "failed",
          aggregated_output: "out\n",
          exit_code: 3,
          duration: { secs: 1, nanos: 500_000_000 },
        },
      },
    },
    {
      type: "event_msg",
      payload: {
        type: "item_completed",
        item: {
          type: "FileChange",
          status: "completed",
          changes: {
            "/r/a.txt": { type: "add", content: "hello\n" },
            "/r/b.txt": {
              type: "update",
              unified_diff: "@@ -1 +1 @@\n-a\n+b\n",
              move_path: null,
            },
          },
        },
      },
    },
    // Newer Codex also records the call; its plain-text output is no entry.
    {
      type: "response_item",
      payload: {
        type: "function_call_output",
        call_id: "c1",
        output: "Exit code: 0\nOutput:\nok",
      },
    },
  ]);
  assertEquals(activity.commands, [{
    command: "/bin/bash -c 'echo out; exit 3'",
    exit_code: 3,
    status: "failed",
    duration_ms: 1500,
    output_tail: "out",
  }]);
  assertEquals(
    activity.file_changes.map(({ path, kind, lines_added, lines_removed }) => ({
      path,
      kind,
      lines_added,
      lines_removed,
    })),
    [
      { path: "/r/a.txt", kind: "add", lines_added: 1, lines_removed: 0 },
      { path: "/r/b.txt", kind: "update", lines_added: 1, lines_removed: 1 },
    ],
  );
});

Deno.test("rollout 0.77.0: a shell call pairs with its output; a patch through the shell is the files it lists", () => {
  const call = (id: string, command: string[]) => ({
    type: "response_item",
    payload: {
      type: "function_call",
      name: "shell",
      call_id: id,
      arguments: JSON.stringify({ command }),
    },
  });
  const output = (id: string, text: string, exit: number) => ({
    type: "response_item",
    payload: {
      type: "function_call_output",
      call_id: id,
      output: JSON.stringify({
        output: text,
        metadata: { exit_code: exit, duration_seconds: 0.25 },
      }),
    },
  });
  const activity = fromRollout([
    call("a", ["bash", "-c", "apply_patch <<'EOF'\n*** Begin Patch\n…"]),
    output(
      "a",
      "Success. Updated the following files:\nA a.txt\nM b.txt\nD c.txt\n",
      0,
    ),
    call("b", ["bash", "-c", "npm test"]),
    output("b", "1 failing\n", 1),
    call("c", ["ls"]),
  ]);
  assertEquals(activity.file_changes, [
    { path: "a.txt", kind: "add" },
    { path: "b.txt", kind: "update" },
    { path: "c.txt", kind: "delete" },
  ]);
  assertEquals(activity.commands, [
    {
      command: "bash -c 'npm test'",
      exit_code: 1,
      status: "failed",
      duration_ms: 250,
      output_tail: "1 failing",
    },
    { command: "ls", exit_code: null, status: "in_progress" },
  ]);
});

Deno.test("bounds: the last commands are kept, long commands and outputs cut, files capped, diffs within both budgets", () => {
  const activity = newActivity();
  for (let i = 0; i < MAX_COMMANDS + 25; i++) {
    recordCommand(activity, {
      command: `step ${i} ${"x".repeat(i === MAX_COMMANDS + 24 ? 2_000 : 0)}`,
      exitCode: i % 2,
      status: i % 2 ? "failed" : "completed",
      output: "y".repeat(5_000),
    });
  }
  assertEquals(activity.commands.length, MAX_COMMANDS);
  assertEquals(activity.commands_omitted, 25);
  assertEquals(activity.commands[0].command, "step 25 ");
  assert(activity.commands.at(-1)!.command.length <= 500);
  assert(activity.commands.every((c) => (c.output_tail?.length ?? 0) <= 500));
  assert(
    activity.commands.filter((c) => c.exit_code === 0)
      .every((c) => c.output_tail === undefined),
  );
  const huge = `@@ -1 +1 @@\n${"+z\n".repeat(10_000)}`;
  for (let i = 0; i < MAX_FILE_CHANGES + 7; i++) {
    recordFileChange(activity, { path: `f${i}`, kind: "update", diff: huge });
  }
  assertEquals(activity.file_changes.length, MAX_FILE_CHANGES);
  assertEquals(activity.file_changes_omitted, 7);
  const total = activity.file_changes.reduce(
    (sum, file) => sum + (file.diff?.length ?? 0),
    0,
  );
  assert(total <= MAX_TOTAL_DIFF_CHARS, `${total} diff characters`);
  assert(
    activity.file_changes.every((f) => (f.diff?.length ?? 0) <= MAX_DIFF_CHARS),
  );
  assert(activity.file_changes.every((f) => f.diff_truncated === true));
  assert(activity.file_changes.every((f) => f.lines_added === 10_000));
  assert(JSON.stringify(activity).length < 200_000);
});

Deno.test("a file changed again stays one entry: added then changed is added, deleted at the end is deleted", () => {
  const activity = newActivity();
  recordFileChange(activity, { path: "a", kind: "add", content: "1\n" });
  recordFileChange(activity, {
    path: "a",
    kind: "update",
    diff: "@@\n-1\n+2\n",
  });
  recordFileChange(activity, { path: "b", kind: "update" });
  recordFileChange(activity, { path: "b", kind: "delete" });
  assertEquals(
    activity.file_changes.map(({ path, kind, lines_added }) => ({
      path,
      kind,
      lines_added,
    })),
    [
      { path: "a", kind: "add", lines_added: 2 },
      { path: "b", kind: "delete", lines_added: undefined },
    ],
  );
});

Deno.test("the text line names the files and the failed commands, briefly", () => {
  assertEquals(activityLine(newActivity()), "");
  assertEquals(
    activityLine({
      commands: [
        { command: "npm ci", exit_code: 0, status: "completed" },
        { command: "npm  test\n--all", exit_code: 3, status: "failed" },
        { command: "ls", exit_code: 0, status: "completed" },
      ],
      file_changes: [
        { path: "src/a.ts", kind: "update" },
        { path: "notes.md", kind: "add" },
      ],
    }),
    "Codex changed 2 files: src/a.ts (updated), notes.md (added); ran 3 commands, 1 failed (exit 3): npm test --all",
  );
  const many = newActivity();
  for (let i = 0; i < 8; i++) {
    recordFileChange(many, { path: `f${i}`, kind: "add" });
  }
  assertEquals(
    activityLine(many),
    "Codex changed 8 files: f0 (added), f1 (added), f2 (added), f3 (added), f4 (added) and 3 more",
  );
});
