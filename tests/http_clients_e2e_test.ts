/**
 * End to end over HTTP with the real clients, each configured as its
 * README section says: Claude Code `-p` (`{"type":"http","url":…,
 * "headers":{"Authorization":"Bearer …"}}`) and Codex CLI 0.171.0 as the
 * client (`url` + `bearer_token_env_var`), both calling codex_chat on one
 * HTTP server whose token the test never hands over any other way.
 */

import { assertEquals, assertStringIncludes } from "./support/assert.ts";
import { startAgentModel } from "./support/agent_model.ts";
import { claudeEnv, claudeHome } from "./support/claude_code.ts";
import { startClaudeModel } from "./support/claude_model.ts";
import {
  CLAUDE_CODE,
  codexExecByHand,
  makeCodexHome,
} from "./support/codex.ts";
import { E2E, startHarness, TARGETS } from "./support/harness.ts";
import { startHttpServer } from "./support/http_server.ts";

const target = TARGETS.find((t) =>
  t.version === "0.171.0" && t.backend === "app-server"
)!;

Deno.test({
  name:
    `[claude -p over HTTP · ${target.label}] Claude Code calls codex_chat with the bearer token and the reply reaches its model`,
  ...E2E,
  async fn() {
    const h = await startHarness(target);
    const server = await startHttpServer(h.env);
    const model = startClaudeModel(({ messages }) =>
      messages.includes("tool_result")
        ? { say: `MODEL SAW: ${messages.match(/ECHO[^"\\]*/)?.[0]}` }
        : {
          tool: "mcp__cp__codex_chat",
          input: { cwd: h.project, prompt: "hello over http" },
        }
    );
    try {
      const home = await h.tempDir("claude-home-");
      await claudeHome(home, h.project, {
        type: "http",
        url: server.url,
        headers: { Authorization: `Bearer ${server.token}` },
      });
      const run = await new Deno.Command(CLAUDE_CODE, {
        args: ["-p", "GO", "--output-format", "text"],
        cwd: h.project,
        env: claudeEnv(home, model),
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stdout = new TextDecoder().decode(run.stdout);
      assertEquals(
        run.code,
        0,
        `${stdout}${new TextDecoder().decode(run.stderr)}`,
      );
      assertStringIncludes(stdout, "MODEL SAW: ECHO");
      assertStringIncludes(stdout, "hello over http");
      assertEquals(h.fake.requests.length, 1);
    } finally {
      await model.close();
      await server.stop();
      await h.close();
    }
  },
});

Deno.test({
  name:
    `[codex ${target.version} as the MCP client over HTTP] Codex CLI reaches the server with url and bearer_token_env_var and gets codex_chat's reply`,
  ...E2E,
  async fn() {
    const h = await startHarness(target);
    const server = await startHttpServer(h.env);
    const agent = startAgentModel(({ lastToolOutput }) =>
      lastToolOutput === undefined
        ? {
          call: "codex_chat",
          namespace: "mcp__cp",
          arguments: { cwd: h.project, prompt: "hello from codex over http" },
        }
        : { say: `FINAL ${lastToolOutput}` }
    );
    const clientHome = await makeCodexHome(
      agent.baseUrl,
      `
[mcp_servers.cp]
url = ${JSON.stringify(server.url)}
bearer_token_env_var = "CP_TOKEN"
default_tools_approval_mode = "approve"
`,
    );
    try {
      const run = await codexExecByHand(
        h.bin,
        clientHome,
        h.project,
        "ask the other codex",
        undefined,
        { CP_TOKEN: server.token },
      );
      assertEquals(run.code, 0, run.stderr);
      assertStringIncludes(
        agent.toolOutputs[0] ?? "",
        "hello from codex over http",
      );
      assertEquals(h.fake.requests.length, 1);
    } finally {
      await agent.close();
      await server.stop();
      await h.close();
      await Deno.remove(clientHome.replace(/\/\.codex$/, ""), {
        recursive: true,
      });
    }
  },
});
