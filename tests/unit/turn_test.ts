/** Event parsing and turn reduction on streams recorded from both Codex versions. */

import { isTransientError, parseEventLine } from "../../src/codex/events.ts";
import {
  describeEvent,
  newTurnState,
  reduceTurn,
  type TurnState,
} from "../../src/codex/turn.ts";
import { assert, assertEquals } from "../support/assert.ts";

function replay(
  version: string,
  name: string,
): { state: TurnState; progress: string[] } {
  const text = Deno.readTextFileSync(
    new URL(`../fixtures/${version}/${name}.jsonl`, import.meta.url),
  );
  const state = newTurnState();
  const progress: string[] = [];
  for (const line of text.split("\n")) {
    const event = parseEventLine(line);
    if (!event) continue;
    reduceTurn(state, event);
    const message = describeEvent(event);
    if (message) progress.push(message);
  }
  return { state, progress };
}

for (const version of ["0.77.0", "0.169.0"]) {
  Deno.test(`[${version}] a completed turn yields thread id, last agent message and usage`, () => {
    const { state } = replay(version, "ok");
    assert(state.threadId?.startsWith("01a20ad4"));
    assert(state.agentMessages.at(-1)?.startsWith("ECHO("));
    assertEquals(state.outcome, { status: "completed" });
    assertEquals(state.usage?.output_tokens, 7);
  });

  Deno.test(`[${version}] a failed turn carries Codex's message`, () => {
    const { state } = replay(version, "fail_failed_fast");
    assertEquals(state.outcome, {
      status: "failed",
      message:
        "stream disconnected before completion: fake response.failed message",
    });
  });

  Deno.test(`[${version}] a turn cut by a signal has no outcome`, () => {
    const { state } = replay(version, "signal_TERM");
    assert(state.threadId);
    assertEquals(state.outcome, undefined);
  });

  Deno.test(`[${version}] progress lines describe commands, files, plans, searches and tools`, () => {
    const command = replay(version, "command_execution").progress;
    assert(command.includes("Codex started the turn"), command.join("|"));
    assert(
      command.some((line) =>
        line.startsWith("Running: ") && line.includes("echo hello-from-shell")
      ),
    );
    assert(command.some((line) => line.startsWith("Command exited 0: ")));
    assert(
      replay(version, "file_change").progress.some((line) =>
        /^Changed files: .*hello\.txt$/.test(line)
      ),
    );
    assert(
      replay(version, "todo_list_updated").progress.includes("Plan 2/2 done"),
    );
    assert(
      replay(version, "web_search").progress.some((line) =>
        line.startsWith("Web search: ")
      ),
    );
    assert(
      replay(version, "mcp_tool_call").progress.includes(
        "Calling MCP tool echo.echo",
      ),
    );
  });

  Deno.test(`[${version}] Codex's own retries are reported, not treated as failures`, () => {
    const { state, progress } = replay(version, "transient_error_then_success");
    assertEquals(state.outcome, { status: "completed" });
    assert(
      progress.some((line) =>
        line.startsWith("Codex is retrying: Reconnecting...")
      ),
      progress.join("|"),
    );
  });
}

Deno.test("parseEventLine ignores non-JSON, unknown types and blank lines", () => {
  assertEquals(parseEventLine(""), undefined);
  assertEquals(parseEventLine("Reading prompt from stdin..."), undefined);
  assertEquals(parseEventLine('{"type":"future.event"}'), undefined);
  assertEquals(parseEventLine("{broken"), undefined);
  assertEquals(parseEventLine('{"type":"turn.started"}'), {
    type: "turn.started",
  });
});

Deno.test("isTransientError tells retries from failures", () => {
  assert(isTransientError("Reconnecting... 2/5 (stream disconnected)"));
  assert(!isTransientError("stream disconnected before completion"));
});

Deno.test("a streamed reply's draft is reported by its latest text", () => {
  assertEquals(
    describeEvent({
      type: "item.updated",
      item: { id: "m", type: "agent_message", text: "so far\nso good" },
    }),
    "Writing the reply: …so far so good",
  );
  assertEquals(
    describeEvent({
      type: "item.started",
      item: { id: "m", type: "agent_message", text: "" },
    }),
    undefined,
  );
});

Deno.test("describeEvent clips long text to one short line", () => {
  const message = describeEvent({
    type: "item.completed",
    item: { id: "r", type: "reasoning", text: "word\n".repeat(200) },
  })!;
  assert(message.length <= 200);
  assert(!message.includes("\n"));
});
