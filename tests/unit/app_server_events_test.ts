/**
 * The app-server protocol narrowing and the notification → event mapping, on
 * what both Codex versions really sent (recorded by
 * scripts/record_app_server.ts against the fake model).
 */

import {
  newAppServerStream,
  toThreadEvent,
} from "../../src/codex/app_server/events.ts";
import {
  parseAppServerLine,
  threadIdOf,
  turnIdOf,
} from "../../src/codex/app_server/protocol.ts";
import type { ThreadEvent } from "../../src/codex/events.ts";
import {
  newTurnState,
  reduceTurn,
  type TurnState,
} from "../../src/codex/turn.ts";
import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "../support/assert.ts";

/** What a recorded turn comes to through the parser, mapper and reducer. */
function replay(version: string, name: string, msBetween = 0): {
  events: ThreadEvent[];
  state: TurnState;
  threadId?: string;
  turnId?: string;
} {
  const text = Deno.readTextFileSync(
    new URL(`../fixtures/${version}/app_server_${name}.jsonl`, import.meta.url),
  );
  const stream = newAppServerStream();
  const state = newTurnState();
  const events: ThreadEvent[] = [];
  let threadId: string | undefined;
  let turnId: string | undefined;
  let now = 1_000_000;
  for (const line of text.split("\n")) {
    const message = parseAppServerLine(line);
    if (message?.kind === "result") {
      threadId ??= threadIdOf(message.result);
      turnId ??= turnIdOf(message.result);
    }
    if (message?.kind !== "notification") continue;
    now += msBetween;
    const event = toThreadEvent(message.notification, stream, now);
    if (event === undefined) continue;
    events.push(event);
    reduceTurn(state, event);
  }
  return { events, state, threadId, turnId };
}

for (const version of ["0.77.0", "0.169.0"]) {
  Deno.test(`[${version}] app-server: a turn's answers and notifications come to its reply and usage`, () => {
    const { events, state, threadId, turnId } = replay(version, "ok");
    assert(threadId !== undefined && turnId !== undefined);
    assertEquals(events[0], { type: "turn.started" });
    assertEquals(state.outcome, { status: "completed" });
    assertStringIncludes(state.agentMessages.at(-1)!, "ECHO turns=1");
    assertEquals(state.usage?.input_tokens, 11);
    assertEquals(state.usage?.output_tokens, 7);
    // 0.169.0 adds cacheWriteInputTokens to token usage; 0.77.0 has none.
    assertEquals(
      state.usage?.cache_write_input_tokens,
      version === "0.169.0" ? 0 : undefined,
    );
  });

  Deno.test(`[${version}] app-server: a command Codex ran is a command_execution item with its exit code`, () => {
    const { events, state } = replay(version, "shell");
    const commands = events.flatMap((event) =>
      event.type === "item.completed" &&
        event.item.type === "command_execution"
        ? [event.item]
        : []
    );
    assertEquals(commands.length, 1);
    assertStringIncludes(commands[0].command, "echo fake-shell");
    assertEquals(commands[0].exit_code, 0);
    assertEquals(commands[0].status, "completed");
    assertStringIncludes(commands[0].aggregated_output, "fake-shell");
    const started = events.find((event) =>
      event.type === "item.started" && event.item.type === "command_execution"
    );
    assertEquals(
      started?.type === "item.started" &&
        started.item.type === "command_execution" && started.item.status,
      "in_progress",
    );
    assertStringIncludes(state.agentMessages.at(-1)!, "fake-shell");
  });

  Deno.test(`[${version}] app-server: a streamed reply becomes drafts, at most one a second`, () => {
    const drafts = (ms: number) =>
      replay(version, "stream", ms).events.filter((event) =>
        event.type === "item.updated"
      );
    // Notifications 1 s apart: every delta is reported, the draft growing.
    const spaced = drafts(1_000);
    assert(spaced.length >= 2, JSON.stringify(spaced));
    const texts = spaced.map((event) =>
      event.type === "item.updated" && event.item.type === "agent_message"
        ? event.item.text
        : ""
    );
    assert(texts.at(-1)!.length > texts[0].length, texts.join(" | "));
    // All at once: only the first delta is reported.
    assertEquals(drafts(0).length, 1);
  });

  Deno.test(`[${version}] app-server: a failed turn carries Codex's message`, () => {
    const { state } = replay(version, "failed");
    assertEquals(state.outcome?.status, "failed");
    assertStringIncludes(
      state.outcome?.status === "failed" ? state.outcome.message : "",
      "fake response.failed message",
    );
  });
}

Deno.test("app-server lines: requests, answers, errors, and lines that are no message", () => {
  assertEquals(
    parseAppServerLine(
      '{"id":7,"method":"item/commandExecution/requestApproval","params":{}}',
    ),
    {
      kind: "request",
      id: 7,
      method: "item/commandExecution/requestApproval",
      params: {},
    },
  );
  assertEquals(
    parseAppServerLine(
      '{"id":3,"error":{"code":-32600,"message":"thread not found"}}',
    ),
    { kind: "error", id: 3, code: -32600, message: "thread not found" },
  );
  assertEquals(parseAppServerLine("not json"), undefined);
  assertEquals(parseAppServerLine("[1,2]"), undefined);
  assertEquals(parseAppServerLine('{"result":{}}'), undefined);
  // Unknown methods are a sign of life and nothing more.
  assertEquals(
    parseAppServerLine('{"method":"codex/event/task_started","params":{}}'),
    {
      kind: "notification",
      notification: {
        method: "other",
        name: "codex/event/task_started",
        threadId: undefined,
      },
    },
  );
  // A known method with the wrong shape is not trusted either.
  assertEquals(
    parseAppServerLine('{"method":"turn/completed","params":{"turn":{}}}'),
    {
      kind: "notification",
      notification: {
        method: "other",
        name: "turn/completed",
        threadId: undefined,
      },
    },
  );
});

Deno.test("app-server items: older shapes (an array command, a string kind) narrow the same way", () => {
  const line = JSON.stringify({
    method: "item/completed",
    params: {
      threadId: "t",
      item: {
        type: "fileChange",
        id: "f",
        changes: [{ path: "a.ts", kind: "add" }, {
          path: "b.ts",
          kind: { type: "update", move_path: null },
        }],
        status: "completed",
      },
    },
  });
  const message = parseAppServerLine(line);
  assert(message?.kind === "notification");
  assertEquals(toThreadEvent(message.notification, newAppServerStream(), 0), {
    type: "item.completed",
    item: {
      type: "file_change",
      id: "f",
      changes: [{ path: "a.ts", kind: "add" }, {
        path: "b.ts",
        kind: "update",
      }],
      status: "completed",
    },
  });
  const command = parseAppServerLine(JSON.stringify({
    method: "item/started",
    params: {
      threadId: "t",
      item: {
        type: "commandExecution",
        id: "c",
        command: ["bash", "-lc", "ls"],
        status: "inProgress",
      },
    },
  }));
  assert(command?.kind === "notification");
  const event = toThreadEvent(command.notification, newAppServerStream(), 0);
  assertEquals(
    event?.type === "item.started" && event.item.type === "command_execution"
      ? event.item.command
      : undefined,
    "bash -lc ls",
  );
});
