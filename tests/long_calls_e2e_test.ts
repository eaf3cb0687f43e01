/**
 * End to end: long calls, progress, cancellation, watchdogs, external kills,
 * shutdown, the concurrency cap and oversized replies.
 */

import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
} from "./support/assert.ts";
import { codexProcesses, MOD_TS } from "./support/codex.ts";
import { e2eTest, eventually, TARGETS } from "./support/harness.ts";
import { callTool, collectLogs, resultText } from "./support/mcp.ts";

for (const target of TARGETS) {
  if (target.backend === "app-server") {
    e2eTest(
      target,
      "a streamed reply shows up in progress as it is written",
      async (h) => {
        const messages: string[] = [];
        const result = await callTool(h.server.client, "codex_chat", {
          cwd: h.project,
          prompt: "FAKE_STREAM_MS=700 a reply worth waiting for",
        }, { onprogress: (p) => messages.push(p.message ?? "") });
        assert(!result.isError, resultText(result));
        const drafts = messages.filter((m) =>
          m.startsWith("Writing the reply: …")
        );
        // Five deltas 700 ms apart, reported at most once a second.
        assert(
          drafts.length >= 2 && drafts.length <= 4,
          messages.join(" | "),
        );
        assert(drafts.at(-1)!.length > drafts[0].length, drafts.join(" | "));
        assertStringIncludes(
          messages.join("\n"),
          "Writing the reply: …ECHO turns=1",
        );
      },
    );
  }

  e2eTest(
    target,
    "a call longer than the client's timeout completes thanks to progress",
    async (h) => {
      const progress: { progress: number; message?: string }[] = [];
      const { reply } = await h.turn({
        cwd: h.project,
        prompt: "slow FAKE_SLEEP_MS=4000",
      }, {
        call: {
          timeout: 2000,
          resetTimeoutOnProgress: true,
          onprogress: (p) => progress.push(p),
        },
      });
      assertStringIncludes(reply, "slow");
      const messages = progress.map((p) => p.message ?? "");
      assert(messages.includes("Starting Codex"), messages.join(" | "));
      assert(
        messages.includes("Codex started the turn"),
        messages.join(" | "),
      );
      if (target.backend === "exec") {
        // The app-server answers within a millisecond of its last item, and
        // the SDK client handles notifications a microtask after responses,
        // so it may drop that last progress line (the streamed-reply test
        // covers app-server progress); exec exits in between.
        assert(
          messages.some((m) => m.startsWith("Agent message (")),
          messages.join(" | "),
        );
      }
      assert(
        messages.filter((m) => /^Codex is working \(\d+ s\)$/.test(m))
          .length >= 3,
        messages.join(" | "),
      );
      for (let i = 1; i < progress.length; i++) {
        assert(progress[i].progress > progress[i - 1].progress);
      }
    },
    {
      CODEX_PERSISTENT_MCP_HEARTBEAT_MS: "300",
    },
  );

  e2eTest(target, "the server logs calls through MCP logging", async (h) => {
    const logs = collectLogs(h.server.client);
    await callTool(h.server.client, "codex_chat", {
      cwd: h.project,
      prompt: "log me",
    });
    await callTool(h.server.client, "codex_chat", {
      cwd: h.project,
      prompt: "FAKE_FAIL",
    });
    assert(
      logs.some((l) => l.startsWith("codex_chat: running Codex in ")),
      logs.join(" | "),
    );
    assert(
      logs.some((l) => / answered in \d+ ms$/.test(l)),
      logs.join(" | "),
    );
    assert(
      logs.some((l) => l.includes("failed (codex_failed)")),
      logs.join(" | "),
    );
  });

  e2eTest(
    target,
    "cancelling a call ends Codex within 1 s and the session resumes",
    async (h) => {
      const sessionId = await h.newSession();
      const controller = new AbortController();
      let turnStarted = false;
      const call = callTool(h.server.client, "codex_chat", {
        session_id: sessionId,
        prompt: "FAKE_HANG",
      }, {
        signal: controller.signal,
        onprogress: (p) => {
          if (p.message === "Codex started the turn") turnStarted = true;
        },
      });
      const rejected = call.then(() => false, () => true);
      assert(
        await eventually(() => turnStarted, 10_000),
        "the turn never started",
      );
      assert(codexProcesses(h.codexHome).length > 0);
      controller.abort();
      assert(await rejected, "the client's call should reject on abort");
      assert(
        await eventually(
          () => codexProcesses(h.codexHome).length === 0,
          1000,
        ),
        "Codex still runs 1 s after cancel",
      );
      const next = await h.turn({
        session_id: sessionId,
        prompt: "after cancel",
      });
      assertStringIncludes(next.reply, "after cancel");
    },
  );

  e2eTest(
    target,
    "the idle watchdog stops a silent Codex and says so",
    async (h) => {
      const result = await callTool(h.server.client, "codex_chat", {
        cwd: h.project,
        prompt: "FAKE_HANG",
      });
      assert(result.isError);
      const text = resultText(result);
      assertStringIncludes(text, "failed (idle)");
      assertStringIncludes(text, "printed nothing for 1500 ms");
      assertMatch(text, /session_id: [0-9a-f-]{36}/);
      assertEquals(codexProcesses(h.codexHome), []);
    },
    {
      CODEX_PERSISTENT_MCP_IDLE_TIMEOUT_MS: "1500",
    },
  );

  e2eTest(
    target,
    "Codex killed from outside mid-turn is reported as such, and the session goes on",
    async (h) => {
      let turnStarted = false;
      const call = callTool(h.server.client, "codex_chat", {
        cwd: h.project,
        prompt: "FAKE_HANG",
      }, {
        onprogress: (p) => {
          if (p.message === "Codex started the turn") turnStarted = true;
        },
      });
      assert(
        await eventually(() => turnStarted, 10_000),
        "the turn never started",
      );
      for (const pid of codexProcesses(h.codexHome)) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch (error) {
          // Gone already: killing its parent first can end it.
          if (!(error instanceof Deno.errors.NotFound)) throw error;
        }
      }
      const result = await call;
      assert(result.isError);
      const text = resultText(result);
      assertStringIncludes(text, "failed (codex_exited)");
      assertMatch(text, /was killed by SIGKILL|killed by signal 9/);
      const sessionId = text.match(/session_id: ([0-9a-f-]{36})/)![1];
      // A fresh Codex (app-server: a new process and thread/resume) takes over.
      const next = await h.turn({
        session_id: sessionId,
        prompt: "after the kill",
      });
      assertEquals(next.sessionId, sessionId);
    },
  );

  for (const ending of ["stdin closed", "SIGTERM"] as const) {
    e2eTest(
      target,
      `${ending} mid-call: the server ends every Codex process, then exits`,
      async (h) => {
        const server = new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", MOD_TS],
          env: h.env,
          stdin: "piped",
          stdout: "piped",
          stderr: "null",
        }).spawn();
        try {
          const writer = server.stdin.getWriter();
          const send = (message: unknown) =>
            writer.write(
              new TextEncoder().encode(JSON.stringify(message) + "\n"),
            );
          await send({
            jsonrpc: "2.0",
            id: 1,
            method: "initialize",
            params: {
              protocolVersion: "2025-06-18",
              capabilities: {},
              clientInfo: { name: "raw", version: "0" },
            },
          });
          await send({ jsonrpc: "2.0", method: "notifications/initialized" });
          await send({
            jsonrpc: "2.0",
            id: 2,
            method: "tools/call",
            params: {
              name: "codex_chat",
              arguments: { cwd: h.project, prompt: "FAKE_HANG" },
              _meta: { progressToken: "p" },
            },
          });
          const lines = server.stdout.pipeThrough(new TextDecoderStream());
          let seen = "";
          // A server that never gets there is killed, which ends the loop.
          const deadline = setTimeout(() => server.kill("SIGKILL"), 15_000);
          for await (const chunk of lines) {
            seen += chunk;
            if (seen.includes("Codex started the turn")) break;
          }
          clearTimeout(deadline);
          assertStringIncludes(seen, "Codex started the turn");
          assert(codexProcesses(h.codexHome).length > 0);
          if (ending === "stdin closed") await writer.close();
          else server.kill("SIGTERM");
          const status = await server.status;
          assertEquals(status.code, 0);
          assertEquals(
            codexProcesses(h.codexHome),
            [],
            "a Codex process outlived the server",
          );
        } finally {
          try {
            server.kill("SIGKILL");
          } catch {
            // Already gone.
          }
        }
      },
    );
  }

  e2eTest(target, "the concurrency cap queues calls and says so", async (h) => {
    const progress: string[][] = [[], []];
    const results = await Promise.all(
      [0, 1].map((i) =>
        callTool(h.server.client, "codex_chat", {
          cwd: h.project,
          prompt: `capped ${i} FAKE_SLEEP_MS=800`,
        }, {
          onprogress: (p) => progress[i].push(p.message ?? ""),
        })
      ),
    );
    for (const result of results) {
      assert(!result.isError, resultText(result));
    }
    const [a, b] = h.fake.requests;
    assert(
      a.endedAt! <= b.startedAt,
      "two Codex processes ran at once despite the cap of 1",
    );
    assert(
      progress.flat().some((m) =>
        m.startsWith("Queued: 1 Codex processes already running")
      ),
      progress.flat().join(" | "),
    );
  }, {
    CODEX_PERSISTENT_MCP_MAX_CONCURRENT: "1",
  });

  e2eTest(
    target,
    "a 20 MB reply is cut with a note; the connection survives",
    async (h) => {
      const { reply, sessionId } = await h.turn({
        cwd: h.project,
        prompt: "FAKE_REPLY_BYTES=20000000",
      });
      assert(reply.startsWith("x".repeat(4_000_000)));
      assertStringIncludes(
        reply,
        "[Cut: 20000000 bytes in all, the first 4000000 shown",
      );
      assertStringIncludes(reply, `codex resume ${sessionId}`);
      assert(reply.length < 4_001_000);
      await h.turn({ session_id: sessionId, prompt: "next" });
    },
  );
}
