/**
 * End to end with Codex CLI 0.171.0 as the MCP client (`codex exec`, its
 * model faked), in both of the eras it speaks: by default 2025-06-18,
 * where Codex's approval request reaches it as `elicitation/create`; and
 * 2026-07-28 (its feature flag plus CODEX_MCP_PROTOCOL_VERSION), where the
 * call answers `input_required` and the client retries it with its answer.
 * `codex exec` has no one to show a form, so it declines either way: the
 * command does not run, the reply reaches its model. A tap between client
 * and server records what was sent.
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { exists, homeOf, shell } from "./support/attack.ts";
import { startAgentModel } from "./support/agent_model.ts";
import { codexExecByHand, makeCodexHome } from "./support/codex.ts";
import { E2E, startHarness, TARGETS } from "./support/harness.ts";
import { readTap, tappedServerCommand, toolCalls } from "./support/tapped.ts";

const client = TARGETS.find((t) =>
  t.version === "0.171.0" && t.backend === "app-server"
)!;

for (const era of ["2025-06-18", "2026-07-28"] as const) {
  Deno.test(
    `[codex ${client.version} as the MCP client, ${era}] Codex's approval reaches the client (${
      era === "2026-07-28" ? "input_required, retried" : "elicitation/create"
    }); codex exec declines, the command does not run and the reply reaches its model`,
    E2E,
    async () => {
      const h = await startHarness(client);
      const marker = `${homeOf(h)}/asked-codex-client`;
      const agent = startAgentModel(({ lastToolOutput }) =>
        lastToolOutput === undefined
          ? {
            call: "codex_chat",
            namespace: "mcp__cp",
            arguments: {
              cwd: h.project,
              prompt: `${shell(`touch ${marker}`)} FAKE_ESCALATE`,
            },
          }
          : { say: `FINAL ${lastToolOutput}` }
      );
      const log = `${homeOf(h)}/wire.log`;
      const [command, ...args] = tappedServerCommand(log);
      const env = Object.entries({
        ...h.env,
        CODEX_PERSISTENT_MCP_APPROVALS: "ask",
        ...(era === "2026-07-28"
          ? { CODEX_MCP_PROTOCOL_VERSION: "2026-07-28" }
          : {}),
      }).map(([key, value]) => `${key} = ${JSON.stringify(value)}`)
        .join("\n");
      const clientHome = await makeCodexHome(
        agent.baseUrl,
        `
${era === "2026-07-28" ? "[features]\nmcp_2026_07_28 = true\n" : ""}
[mcp_servers.cp]
command = ${JSON.stringify(command)}
args = ${JSON.stringify(args)}
startup_timeout_sec = 60
default_tools_approval_mode = "approve"

[mcp_servers.cp.env]
${env}
`,
      );
      try {
        const run = await codexExecByHand(h.bin, clientHome, h.project, "go");
        assertEquals(run.code, 0, run.stderr);
        const tapped = await readTap(log);
        const calls = toolCalls(tapped);
        // The era the client spoke: its first request says.
        const first = tapped.find(({ toServer }) => toServer)?.message;
        assertEquals(
          first?.method,
          era === "2026-07-28" ? "server/discover" : "initialize",
        );
        if (era === "2025-06-18") {
          assertEquals(
            (first?.params as { protocolVersion?: string }).protocolVersion,
            era,
          );
        }
        if (era === "2026-07-28") {
          const [asked, retried] = calls;
          assertEquals(asked.result.resultType, "input_required");
          const [[key, request]] = Object.entries(
            asked.result.inputRequests as Record<
              string,
              { params: { message: string } }
            >,
          );
          assertStringIncludes(request.params.message, `touch ${marker}`);
          assertEquals(retried.params.requestState, asked.result.requestState);
          assertEquals(
            (retried.params.inputResponses as Record<string, unknown>)[key],
            { action: "decline" },
          );
          assertEquals(retried.result.resultType, "complete");
        } else {
          assertEquals(calls.length, 1);
          const elicitation = tapped.find(({ toServer, message }) =>
            !toServer && message.method === "elicitation/create"
          )?.message;
          assert(elicitation !== undefined, "no elicitation/create was sent");
          assertStringIncludes(
            JSON.stringify(elicitation.params),
            `touch ${marker}`,
          );
          const answer = tapped.find(({ toServer, message }) =>
            toServer && message.id === elicitation.id && "result" in message
          )?.message.result as { action: string };
          assertEquals(answer.action, "decline");
        }
        assert(!exists(marker), "a declined command ran outside the sandbox");
        assertStringIncludes(agent.toolOutputs[0], "ECHO shell output");
      } finally {
        await agent.close();
        await h.close();
        await Deno.remove(clientHome.replace(/\/\.codex$/, ""), {
          recursive: true,
        }).catch(() => {});
      }
    },
  );
}
