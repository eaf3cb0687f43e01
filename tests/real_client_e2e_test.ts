/**
 * End to end with a real MCP client: Codex CLI 0.169.0 runs our server as an
 * MCP server with a tool timeout shorter than the turn. With
 * CODEX_PERSISTENT_MCP_HANDOFF_MS below that timeout, the call comes back
 * "running" in time, the client's (fake) model calls codex_wait (without
 * wait_ms, as agents do: the hand-off bounds it too) until the reply is in,
 * and ends with it.
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { startAgentModel } from "./support/agent_model.ts";
import { codexExecByHand, makeCodexHome } from "./support/codex.ts";
import { E2E, startHarness, TARGETS } from "./support/harness.ts";
import { DENO_SERVER_COMMAND } from "./support/mcp.ts";

/** The client's tool timeout, and the inner turn, which is longer. */
const TOOL_TIMEOUT_SEC = 3;
const TURN_MS = 7_000;

const client = TARGETS.find((t) =>
  t.version === "0.169.0" && t.backend === "app-server"
)!;

Deno.test(
  `[codex ${client.version} as the MCP client] a turn longer than tool_timeout_sec is handed off and collected with codex_wait without wait_ms`,
  E2E,
  async () => {
    // The server's own Codex (the inner one) and its fake model.
    const h = await startHarness(client);
    const agent = startAgentModel(({ lastToolOutput }) => {
      if (lastToolOutput === undefined) {
        return {
          call: "codex_chat",
          namespace: "mcp__cp",
          arguments: {
            cwd: h.project,
            prompt: `a long review FAKE_SLEEP_MS=${TURN_MS}`,
          },
        };
      }
      const sessionId = lastToolOutput.match(/"session_id":"([0-9a-f-]{36})"/)
        ?.[1];
      if (
        sessionId !== undefined && /"status":"running"/.test(lastToolOutput)
      ) {
        return {
          call: "codex_wait",
          namespace: "mcp__cp",
          // As agents do: no wait_ms. The hand-off bounds the wait.
          arguments: { session_id: sessionId },
        };
      }
      return { say: `FINAL ${lastToolOutput}` };
    });
    const env = Object.entries({
      ...h.env,
      CODEX_PERSISTENT_MCP_HANDOFF_MS: "1500",
    }).map(([key, value]) => `${key} = ${JSON.stringify(value)}`).join("\n");
    const clientHome = await makeCodexHome(
      agent.baseUrl,
      `
[mcp_servers.cp]
command = ${JSON.stringify(DENO_SERVER_COMMAND[0])}
args = ${JSON.stringify(DENO_SERVER_COMMAND.slice(1))}
tool_timeout_sec = ${TOOL_TIMEOUT_SEC}
startup_timeout_sec = 60
default_tools_approval_mode = "approve"

[mcp_servers.cp.env]
${env}
`,
    );
    try {
      const run = await codexExecByHand(
        h.bin,
        clientHome,
        h.project,
        "review my change, however long it takes",
      );
      assertEquals(run.code, 0, run.stderr);
      const events = run.stdout.split("\n").filter((line) => line !== "")
        .map((line) => JSON.parse(line));
      const toolCalls = events.filter((event) =>
        event.type === "item.completed" &&
        event.item.type === "mcp_tool_call"
      ).map((event) => event.item);
      // Handed off in time, then collected: no call hit the client's limit.
      assertEquals(toolCalls[0].tool, "codex_chat");
      assert(toolCalls.length >= 3, JSON.stringify(toolCalls));
      for (const call of toolCalls) {
        assertEquals(call.status, "completed", JSON.stringify(call));
      }
      assert(toolCalls.slice(1).every((call) => call.tool === "codex_wait"));
      assertStringIncludes(agent.toolOutputs[0], '"status":"running"');
      const finalMessage = events.findLast((event) =>
        event.type === "item.completed" && event.item.type === "agent_message"
      )?.item.text ?? "";
      assertStringIncludes(finalMessage, '"status":"completed"');
      assertStringIncludes(
        finalMessage,
        "ECHO turns=1 model=fake-model effort=default: a long review",
      );
      // The inner turn ran once, to its end.
      assertEquals(h.fake.requests.length, 1);
      assertEquals(h.fake.requests[0].dropped, undefined);
    } finally {
      await agent.close();
      await h.close();
      await Deno.remove(clientHome, { recursive: true });
    }
  },
);
