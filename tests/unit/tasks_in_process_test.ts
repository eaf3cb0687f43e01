/**
 * Both protocol eras on one server, and turns as tasks, in process: the
 * real server over the SDK's in-memory transport, a scripted backend,
 * and a raw JSON-RPC client sending what a 2026-07-28 client sends.
 */

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { Gate } from "../support/scripted_backend.ts";
import { modernMeta, WireClient, wireTest } from "../support/wire_client.ts";

wireTest(
  "a 2025-era client's handshake and answers are as before: no 2026 framing",
  () => "ok",
  async ({ wire }) => {
    const init = await wire.request("initialize", {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "old", version: "1" },
    });
    assertEquals(init.result?.protocolVersion, "2025-11-25");
    assertEquals(init.result?.resultType, undefined);
    const tools = await wire.request("tools/list", {});
    assertEquals(tools.result?.resultType, undefined);
    assertEquals(tools.result?.ttlMs, undefined);
    const names = (tools.result?.tools as { name: string }[]).map((t) =>
      t.name
    );
    assert(names.includes("codex_chat"));
  },
);

wireTest(
  "a 2026-07-28 client: server/discover, framed lists, refused revisions",
  () => "ok",
  async ({ wire, server }) => {
    const discover = await wire.request("server/discover", {
      _meta: modernMeta(),
    });
    const found = discover.result!;
    assertEquals(found.resultType, "complete");
    assertEquals(found.supportedVersions, ["2026-07-28"]);
    assertEquals(typeof found.ttlMs, "number");
    assertEquals(found.cacheScope, "private");
    const capabilities = found.capabilities as Record<string, unknown>;
    assert(capabilities.tools !== undefined);
    assertEquals(capabilities.extensions, {
      "io.modelcontextprotocol/tasks": {},
    });
    const meta = found._meta as Record<string, { name: string }>;
    assertEquals(
      meta["io.modelcontextprotocol/serverInfo"].name,
      "codex-persistent-mcp",
    );
    // Stateless: no initialize before the first real request.
    const tools = await wire.modern("tools/list");
    assertEquals(tools.result?.resultType, "complete");
    assertEquals(tools.result?.cacheScope, "private");
    const listed = tools.result?.tools as Record<string, unknown>[];
    assert(listed.some((tool) => tool.name === "codex_chat"));
    assert(listed.every((tool) => !("execution" in tool)));
    // A connection opened with a revision this server does not speak.
    const other = await WireClient.connect(server);
    const refused = await other.modern("tools/list", {}, {
      ...modernMeta(),
      "io.modelcontextprotocol/protocolVersion": "2099-01-01",
    });
    await other.close();
    assertEquals(refused.error?.code, -32022);
    assertEquals(
      (refused.error?.data as { supported: string[] }).supported,
      ["2026-07-28"],
    );
  },
);

wireTest(
  "without the tasks extension a 2026-07-28 call blocks and answers complete",
  ({ prompt }) => `echo: ${prompt}`,
  async ({ wire, project }) => {
    const answer = await wire.modern("tools/call", {
      name: "codex_chat",
      arguments: { cwd: project, prompt: "hi" },
    });
    assertEquals(answer.result?.resultType, "complete");
    const structured = answer.result?.structuredContent as { reply: string };
    assertEquals(structured.reply, "echo: hi");
  },
);

{
  const gate = new Gate();
  wireTest(
    "a call from a client that takes tasks is a task at once; tasks/get follows it to the blocking call's result",
    async ({ prompt, emit }) => {
      emit({
        type: "item.started",
        item: {
          id: "c1",
          type: "command_execution",
          command: "ls",
          aggregated_output: "",
          exit_code: null,
          status: "in_progress",
        },
      });
      await gate.opened;
      return `done: ${prompt}`;
    },
    async ({ wire, project }) => {
      const task = await wire.callAsTask("codex_chat", {
        cwd: project,
        prompt: "long",
      });
      assertEquals(task.resultType, "task");
      assertMatch(task.taskId, /^turn-[0-9a-z]+-1$/);
      assertEquals(task.status, "working");
      assertEquals(task.pollIntervalMs, 2000);
      assert(task.createdAt !== undefined);
      const running = await wire.pollTask(
        task.taskId,
        (t) => t.statusMessage?.includes("ls") === true,
      );
      assertEquals(running.status, "working");
      assertEquals(running.resultType, "complete");
      gate.open();
      const done = await wire.pollTask(
        task.taskId,
        (t) => t.status === "completed",
      );
      const structured = done.result?.structuredContent as Record<
        string,
        unknown
      >;
      assertEquals(structured.reply, "done: long");
      assertEquals(structured.turn_id, task.taskId);
      // The same result as a blocking call: the session, the turn, the reply.
      const blocking = await wire.modern("tools/call", {
        name: "codex_chat",
        arguments: {
          session_id: structured.session_id,
          prompt: "again",
        },
      });
      assertEquals(
        Object.keys(blocking.result?.structuredContent ?? {}).sort(),
        Object.keys(structured).sort(),
      );
      // Polled again, the task gives the same result.
      const again = await wire.task("tasks/get", task.taskId);
      assertEquals(again.result, done.result);
    },
  );
}

wireTest(
  "tasks/cancel stops the turn as codex_cancel does, and is idempotent",
  async ({ stopped }) => {
    await stopped;
    return "never";
  },
  async ({ wire, project, backend }) => {
    const task = await wire.callAsTask("codex_chat", {
      cwd: project,
      prompt: "stop me",
    });
    await wire.pollTask(task.taskId, () => backend.requests.length === 1);
    // Sent twice in the same moment, as Claude Code does.
    const [first, second] = await Promise.all([
      wire.task("tasks/cancel", task.taskId),
      wire.task("tasks/cancel", task.taskId),
    ]);
    assertEquals(first.status, "cancelled");
    assertEquals(second.status, "cancelled");
    assert(backend.requests[0].signal?.aborted);
    assertMatch(String(backend.requests[0].signal?.reason), /tasks\/cancel/);
    const after = await wire.task("tasks/get", task.taskId);
    assertEquals(after.status, "cancelled");
    assertEquals(after.result, undefined);
  },
);

wireTest(
  "tasks are kept under the result bounds; an unknown task is a clear error",
  ({ prompt }) => prompt,
  async ({ wire, project }) => {
    const first = await wire.callAsTask("codex_chat", {
      cwd: project,
      prompt: "one",
    });
    await wire.pollTask(first.taskId, (t) => t.status === "completed");
    const second = await wire.callAsTask("codex_chat", {
      cwd: project,
      prompt: "two",
    });
    await wire.pollTask(second.taskId, (t) => t.status === "completed");
    const third = await wire.callAsTask("codex_chat", {
      cwd: project,
      prompt: "three",
    });
    await wire.pollTask(third.taskId, (t) => t.status === "completed");
    const gone = await wire.modern("tasks/get", { taskId: first.taskId });
    assertEquals(gone.error?.code, -32602);
    assertMatch(
      gone.error!.message,
      /CODEX_PERSISTENT_MCP_MAX_RETAINED_RESULTS/,
    );
    const kept = await wire.task("tasks/get", third.taskId);
    assertEquals(kept.status, "completed");
    const unknown = await wire.modern("tasks/get", { taskId: "turn-x-9" });
    assertEquals(unknown.error?.code, -32602);
  },
  { CODEX_PERSISTENT_MCP_MAX_RETAINED_RESULTS: "2" },
);
