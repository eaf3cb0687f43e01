/**
 * End to end over HTTP (`--http`), against the real Codex CLI: one server
 * for every client. The bearer token and the Host/Origin checks tried as a
 * hostile web page and a caller without the token would, judged by
 * outcome (did Codex or the model see anything); both eras; two clients
 * sharing one session; the token file; SIGTERM.
 */

import type { CallToolResult } from "@modelcontextprotocol/client";
import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { exists, homeOf, shell } from "./support/attack.ts";
import { codexProcesses } from "./support/codex.ts";
import { e2eTest, e2eTests, eventually, TARGETS } from "./support/harness.ts";
import {
  clientV1,
  clientV2,
  httpTest,
  modernRequest,
  post,
  rawPost,
  startHttpServer,
  withHttpServer,
} from "./support/http_server.ts";

const LIST = { jsonrpc: "2.0", id: 1, method: "tools/list", params: {} };
const CHAT = (cwd: string, prompt: string) => ({
  jsonrpc: "2.0",
  id: 2,
  method: "tools/call",
  params: { name: "codex_chat", arguments: { cwd, prompt } },
});

function structured(result: unknown): Record<string, unknown> {
  const content = (result as CallToolResult).structuredContent;
  return (content ?? {}) as Record<string, unknown>;
}

e2eTests(
  "an SDK 2.x client pinned to 2026-07-28 and SDK 1.x and 2.x clients in the 2025 era call codex_chat over HTTP with the token",
  async (h) => {
    await withHttpServer(h.env, async (server) => {
      const modern = await clientV2(server);
      const legacy = await clientV2(server, "legacy");
      const older = await clientV1(server);
      const replies = [];
      for (
        const [name, client] of [["v2-2026", modern], [
          "v2-2025",
          legacy,
        ]] as const
      ) {
        const result = await client.callTool({
          name: "codex_chat",
          arguments: { cwd: h.project, prompt: `hello ${name}` },
        });
        replies.push(String(structured(result).reply));
      }
      const result = await older.callTool({
        name: "codex_chat",
        arguments: { cwd: h.project, prompt: "hello v1" },
      });
      replies.push(String(structured(result).reply));
      assertStringIncludes(replies[0], "hello v2-2026");
      assertStringIncludes(replies[1], "hello v2-2025");
      assertStringIncludes(replies[2], "hello v1");
      assertEquals(modern.getDiscoverResult()?.supportedVersions, [
        "2026-07-28",
      ]);
      await Promise.all([modern.close(), legacy.close(), older.close()]);
    });
  },
);

e2eTests(
  "two clients share one server: a turn one starts is running in the other's codex_sessions and collected by its codex_wait, and calls on one session queue instead of colliding",
  async (h) => {
    await withHttpServer(h.env, async (server) => {
      const a = await clientV2(server);
      const b = await clientV1(server);
      const started = structured(
        await a.callTool({
          name: "codex_chat",
          arguments: {
            cwd: h.project,
            prompt: "FAKE_SLEEP_MS=8000 background work",
            background: true,
          },
        }),
      );
      assertEquals(started.status, "running");
      const sessionId = String(started.session_id);
      // Codex writes a new session to its store as the turn goes.
      let listed: { session_id: string; running: boolean }[] = [];
      const seen = await eventually(async () => {
        listed = structured(
          await b.callTool({ name: "codex_sessions", arguments: {} }),
        ).sessions as typeof listed;
        return listed.some((s) => s.session_id === sessionId && s.running);
      }, 20_000);
      assert(seen, `not seen running elsewhere: ${JSON.stringify(listed)}`);
      const waited = structured(
        await b.callTool({
          name: "codex_wait",
          arguments: { session_id: sessionId, wait_ms: 60_000 },
        }),
      );
      assertStringIncludes(String(waited.reply), "background work");
      // Both at once on one session: queued, neither session_locked.
      const [first, second] = await Promise.all([
        a.callTool({
          name: "codex_chat",
          arguments: {
            session_id: sessionId,
            prompt: "FAKE_SLEEP_MS=500 from a",
          },
        }),
        b.callTool({
          name: "codex_chat",
          arguments: { session_id: sessionId, prompt: "from b" },
        }),
      ]);
      assert(!first.isError, JSON.stringify(first.content));
      assert(!second.isError, JSON.stringify(second.content));
      const turns = [structured(first).reply, structured(second).reply]
        .map(String);
      assertStringIncludes(turns[0], "from a");
      assertStringIncludes(turns[1], "from b");
      await Promise.all([a.close(), b.close()]);
    });
  },
);

for (const target of TARGETS.filter((t) => t.version === "0.171.0")) {
  httpTest(
    target,
    "as an attacker without the token: no token, a wrong one, another scheme get 401 with WWW-Authenticate, and neither Codex nor the model sees anything",
    async (h, server) => {
      const wrong: Record<string, string>[] = [
        {},
        { authorization: `Bearer ${server.token.slice(0, -1)}x` },
        { authorization: `Bearer ${server.token}x` },
        { authorization: `Basic ${btoa(`user:${server.token}`)}` },
        { authorization: server.token },
      ];
      for (const headers of wrong) {
        for (const body of [LIST, CHAT(h.project, "must not run")]) {
          const response = await post(server.url, body, headers);
          assertEquals(response.status, 401, JSON.stringify(headers));
          assertStringIncludes(
            response.headers.get("www-authenticate") ?? "",
            "Bearer",
          );
          await response.body?.cancel();
        }
      }
      assertEquals(h.fake.requests.length, 0);
      assertEquals(codexProcesses(h.codexHome), []);
      // The right token works on the same server.
      const right = await post(server.url, LIST, {
        authorization: `Bearer ${server.token}`,
      });
      assertEquals(right.status, 200);
      await right.body?.cancel();
    },
  );

  httpTest(
    target,
    "as a hostile web page: a foreign Host (DNS rebinding) or a foreign browser Origin is refused even with the token, and runs nothing",
    async (h, server) => {
      const auth = { authorization: `Bearer ${server.token}` };
      const port = new URL(server.url).port;
      const refused: Record<string, string>[] = [
        { host: `evil.example:${port}` },
        { host: "127.0.0.1.evil.example" },
        { origin: "http://evil.example" },
        { origin: `http://evil.example:${port}` },
        { origin: "null" },
      ];
      const { host } = new URL(server.url);
      for (const headers of refused) {
        const status = await rawPost(
          server.url,
          CHAT(h.project, "must not run"),
          { host, ...auth, ...headers },
        );
        assertEquals(status, 403, JSON.stringify(headers));
      }
      assertEquals(h.fake.requests.length, 0);
      // A loopback page of the user's own, and no Origin at all, are served.
      for (const origin of [`http://localhost:${port}`, undefined]) {
        const response = await post(server.url, LIST, {
          ...auth,
          ...(origin === undefined ? {} : { origin }),
        });
        assertEquals(response.status, 200, origin);
        await response.body?.cancel();
      }
    },
  );

  e2eTest(
    target,
    "the token file is made once with mode 0600 and reused on the next start; a file others can read is refused",
    async (h) => {
      const configHome = await h.tempDir("config-");
      const first = await startHttpServer(h.env, { configHome });
      await first.stop();
      const mode = (await Deno.stat(first.tokenPath)).mode! & 0o777;
      assertEquals(mode, 0o600);
      assert(first.token.length >= 32, first.token);
      assert(!first.stderr().includes(first.token), "the token was logged");
      const second = await startHttpServer(h.env, { configHome });
      assertEquals(second.token, first.token);
      await second.stop();
      await Deno.chmod(first.tokenPath, 0o644);
      const refused = await startHttpServer(h.env, { configHome })
        .then(() => undefined, (error: Error) => error.message);
      assertStringIncludes(refused ?? "started", "readable by other users");
    },
  );

  httpTest(
    target,
    "a client that takes tasks gets a task over HTTP, and tasks/get (each a request of its own) follows it to the reply",
    async (h, server) => {
      const task = await modernRequest(server, "tools/call", {
        name: "codex_chat",
        arguments: { cwd: h.project, prompt: "FAKE_SLEEP_MS=1000 as a task" },
      }, true);
      assertEquals(task.resultType, "task");
      let got: Record<string, unknown> = {};
      assert(
        await eventually(async () => {
          got = await modernRequest(server, "tasks/get", {
            taskId: task.taskId,
          });
          return got.status === "completed";
        }, 30_000),
        JSON.stringify(got),
      );
      assertStringIncludes(
        JSON.stringify(got.result),
        "as a task",
      );
    },
  );

  httpTest(
    target,
    "over HTTP, Codex's approval comes back to a 2026-07-28 client as input_required, and the human's answer in the client's retry decides whether the command ran",
    async (h, server) => {
      for (const answer of ["accept", "decline"] as const) {
        const asked: string[] = [];
        const client = await clientV2(server, "2026-07-28", (message) => {
          asked.push(message);
          return answer;
        });
        const marker = `${homeOf(h)}/approved-over-http-${answer}`;
        await client.callTool({
          name: "codex_chat",
          arguments: {
            cwd: h.project,
            prompt: `${shell(`touch ${marker}`)} FAKE_ESCALATE`,
          },
        });
        await client.close();
        // exec cannot ask: the command stays in the sandbox, unasked.
        const asks = h.backend === "app-server";
        assertEquals(asked.length, asks ? 1 : 0, answer);
        assertEquals(exists(marker), asks && answer === "accept", answer);
      }
    },
    { CODEX_PERSISTENT_MCP_APPROVALS: "ask" },
  );

  e2eTest(
    target,
    "SIGTERM during a running turn ends the server within seconds and leaves no Codex process",
    async (h) => {
      const server = await startHttpServer(h.env);
      const client = await clientV2(server);
      const call = client.callTool({
        name: "codex_chat",
        arguments: { cwd: h.project, prompt: "FAKE_SLEEP_MS=60000 long" },
      }).catch(() => undefined);
      assert(
        await eventually(() => codexProcesses(h.codexHome).length > 0, 20_000),
        "Codex never started",
      );
      const stopped = Date.now();
      const status = await server.stop("SIGTERM");
      assert(
        Date.now() - stopped < 5_000,
        `the server took too long: ${server.stderr()}`,
      );
      assertEquals(status.code, 0);
      assertEquals(codexProcesses(h.codexHome), []);
      await call;
      await client.close().catch(() => {});
    },
  );
}
