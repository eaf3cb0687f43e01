/**
 * End to end with the MCP SDK 1.x client, as older clients in the field
 * still are: over stdio against the real Codex CLI, a turn with progress, a
 * background turn collected by codex_wait, and (app-server) an approval
 * asked with `elicitation/create` whose accept decides whether the command
 * ran. Every other test drives the server with the SDK 2.x client.
 */

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types";
import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { exists, homeOf, shell } from "./support/attack.ts";
import { e2eTests } from "./support/harness.ts";
import { DENO_SERVER_COMMAND } from "./support/mcp.ts";

e2eTests(
  "an SDK 1.x client: a turn with progress, a background turn collected by codex_wait, and an approval through elicitation/create",
  async (h) => {
    const [command, ...args] = DENO_SERVER_COMMAND;
    const transport = new StdioClientTransport({
      command,
      args,
      env: { ...h.env, CODEX_PERSISTENT_MCP_APPROVALS: "ask" },
      stderr: "ignore",
    });
    const client = new Client(
      { name: "sdk1-client", version: "1" },
      { capabilities: { elicitation: {} } },
    );
    const asked: string[] = [];
    client.setRequestHandler(
      ElicitRequestSchema,
      (request: { params: { message: string } }) => {
        asked.push(request.params.message);
        return { action: "accept", content: { approve: true } };
      },
    );
    await client.connect(transport);
    try {
      const call = async (
        name: string,
        params: Record<string, unknown>,
        options = {},
      ) =>
        await client.callTool(
          { name, arguments: params },
          undefined,
          options,
        ) as CallToolResult & { structuredContent: Record<string, unknown> };
      const progress: string[] = [];
      const turn = await call("codex_chat", {
        cwd: h.project,
        prompt: "hello from 1.x",
      }, {
        onprogress: (p: { message?: string }) => progress.push(p.message ?? ""),
      });
      assertStringIncludes(
        String(turn.structuredContent.reply),
        "hello from 1.x",
      );
      assert(progress.length > 0, "no progress reached the 1.x client");
      const started = await call("codex_chat", {
        cwd: h.project,
        prompt: "in the background",
        background: true,
      });
      assertEquals(started.structuredContent.status, "running");
      const waited = await call("codex_wait", {
        session_id: started.structuredContent.session_id,
        wait_ms: 60_000,
      });
      assertStringIncludes(
        String(waited.structuredContent.reply),
        "in the background",
      );
      const marker = `${homeOf(h)}/approved-by-1x`;
      await call("codex_chat", {
        cwd: h.project,
        prompt: `${shell(`touch ${marker}`)} FAKE_ESCALATE`,
      });
      // exec cannot ask: the command stays in the sandbox, unasked.
      assertEquals(asked.length, h.backend === "app-server" ? 1 : 0);
      assertEquals(exists(marker), h.backend === "app-server");
    } finally {
      await client.close();
    }
  },
);
