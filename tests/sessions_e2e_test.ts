/**
 * End to end: MCP client SDK → our server → real Codex CLI → fake model.
 * Sessions are created, continued through MCP, continued by hand with
 * `codex exec resume`, and continued again by a fresh server process.
 */

import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
} from "./support/assert.ts";
import { codexExecResumeByHand } from "./support/codex.ts";
import { E2E, newSession, startHarness, TARGETS } from "./support/harness.ts";
import { callTool, resultText, startServer } from "./support/mcp.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const target of TARGETS) {
  Deno.test(
    `${target.label} lists every tool with input and output schemas`,
    E2E,
    async () => {
      const h = await startHarness(target);
      try {
        const { tools } = await h.server.client.listTools();
        const byName = new Map(tools.map((tool) => [tool.name, tool]));
        assertEquals(
          [...byName.keys()].sort(),
          [
            "codex_chat",
            "codex_guard_final",
            "codex_guard_plan",
            "codex_plan",
            "codex_review",
            "codex_session_read",
            "codex_sessions",
          ],
        );
        assertEquals(
          byName.get("codex_session_read")?.inputSchema.required,
          ["session_id"],
        );
        assertEquals(
          byName.get("codex_sessions")?.outputSchema?.required,
          ["sessions"],
        );
        const expected: Record<string, [string[], string]> = {
          codex_chat: [["prompt"], "reply"],
          codex_plan: [["plan", "requirements"], "critique"],
          codex_guard_plan: [["plan", "requirements"], "critique"],
          codex_review: [["change_summary"], "review"],
          codex_guard_final: [["change_summary"], "review"],
        };
        for (const [name, [required, replyField]] of Object.entries(expected)) {
          const tool = byName.get(name)!;
          assertEquals((tool.inputSchema.required ?? []).sort(), required);
          for (
            const field of [
              "session_id",
              "cwd",
              "model",
              "reasoning_effort",
              "timeout_ms",
            ]
          ) {
            assert(
              field in (tool.inputSchema.properties ?? {}),
              `${name} lacks ${field}`,
            );
          }
          assertEquals(
            tool.outputSchema?.required?.sort(),
            [replyField, "session_id"].sort(),
          );
        }
      } finally {
        await h.close();
      }
    },
  );

  Deno.test(
    `${target.label} new session, MCP resume, hand resume, fresh server resume`,
    E2E,
    async () => {
      const h = await startHarness(target);
      try {
        const first = await callTool(h.server.client, "codex_chat", {
          prompt: "hello there",
          cwd: h.project,
        });
        assert(!first.isError, resultText(first));
        const sessionId = String(first.structuredContent?.session_id);
        assertMatch(sessionId, UUID);
        assertStringIncludes(
          String(first.structuredContent?.reply),
          "ECHO turns=1",
        );
        assertStringIncludes(
          String(first.structuredContent?.reply),
          ": hello there",
        );
        // A client that reads only text can still continue the session.
        assertStringIncludes(resultText(first), "ECHO turns=1");
        assertStringIncludes(resultText(first), `session_id: ${sessionId}`);
        assert(
          typeof (first.structuredContent?.usage as { output_tokens?: number })
            ?.output_tokens === "number",
        );

        const second = await callTool(h.server.client, "codex_chat", {
          session_id: sessionId,
          prompt: "second turn",
        });
        assert(!second.isError, resultText(second));
        assertEquals(second.structuredContent?.session_id, sessionId);
        assertStringIncludes(
          String(second.structuredContent?.reply),
          "ECHO turns=2",
        );

        await h.releaseSessions();
        const byHand = await codexExecResumeByHand(
          h.bin,
          h.codexHome,
          h.project,
          sessionId,
          "typed by a human",
        );
        assertEquals(byHand.code, 0, byHand.stderr);
        assertStringIncludes(byHand.stdout, `"thread_id":"${sessionId}"`);
        assertStringIncludes(byHand.stdout, "ECHO turns=3");

        const fresh = await startServer(h.env);
        try {
          const fourth = await callTool(fresh.client, "codex_chat", {
            session_id: sessionId,
            prompt: "after a restart",
          });
          assert(!fourth.isError, resultText(fourth));
          assertEquals(fourth.structuredContent?.session_id, sessionId);
          assertStringIncludes(
            String(fourth.structuredContent?.reply),
            "ECHO turns=4",
          );
        } finally {
          await fresh.close();
        }
        // Every turn reached the model in one conversation.
        assertEquals(h.fake.requests.at(-1)?.userMessages.length, 4);
        assertStringIncludes(
          h.fake.requests.at(-1)!.userMessages[2],
          "typed by a human",
        );
      } finally {
        await h.close();
      }
    },
  );

  Deno.test(
    `${target.label} resume without cwd runs in the session's recorded directory; an explicit cwd wins`,
    E2E,
    async () => {
      const h = await startHarness(target);
      const elsewhere = await Deno.makeTempDir({ prefix: "codex-elsewhere-" });
      try {
        const sessionId = await newSession(h);
        await callTool(h.server.client, "codex_chat", {
          session_id: sessionId,
          prompt: "inferred",
        });
        assertEquals(await lastTurnCwd(h.codexHome, sessionId), h.project);
        const moved = await callTool(h.server.client, "codex_chat", {
          session_id: sessionId,
          prompt: "explicit",
          cwd: elsewhere,
        });
        assert(!moved.isError, resultText(moved));
        assertEquals(await lastTurnCwd(h.codexHome, sessionId), elsewhere);
      } finally {
        await Deno.remove(elsewhere, { recursive: true });
        await h.close();
      }
    },
  );

  Deno.test(
    `${target.label} plan and review tools (and their old names) build headed prompts`,
    E2E,
    async () => {
      const h = await startHarness(target);
      try {
        const plan = await callTool(h.server.client, "codex_plan", {
          cwd: h.project,
          requirements: "Add login rate limiting",
          plan: "1. count attempts\n2. block after 5",
          constraints: "no new dependencies",
        });
        assert(!plan.isError, resultText(plan));
        assertStringIncludes(
          String(plan.structuredContent?.critique),
          "ECHO turns=1",
        );
        assertEquals(plan.structuredContent?.reply, undefined);
        const planPrompt = h.fake.requests.at(-1)!.userMessages.at(-1)!;
        assert(
          planPrompt.startsWith("Plan critique: Add login rate limiting\n"),
          planPrompt,
        );
        for (
          const part of [
            "## Requirements\nAdd login rate limiting",
            "## Draft plan\n1. count attempts",
            "## Constraints\nno new dependencies",
            "gaps, risks, open questions",
          ]
        ) {
          assertStringIncludes(planPrompt, part);
        }

        const review = await callTool(h.server.client, "codex_review", {
          session_id: plan.structuredContent?.session_id,
          change_summary: "Rate limiting added",
          test_results: "12 passed",
        });
        assert(!review.isError, resultText(review));
        assertStringIncludes(
          String(review.structuredContent?.review),
          "ECHO turns=2",
        );
        const reviewPrompt = h.fake.requests.at(-1)!.userMessages.at(-1)!;
        assert(
          reviewPrompt.startsWith("Change review: Rate limiting added\n"),
          reviewPrompt,
        );
        assertStringIncludes(reviewPrompt, "## Test results\n12 passed");
        assert(
          !reviewPrompt.includes("## Open questions"),
          "empty sections are left out",
        );

        const guardPlan = await callTool(h.server.client, "codex_guard_plan", {
          cwd: h.project,
          requirements: "r",
          plan: "p",
        });
        assertStringIncludes(
          String(guardPlan.structuredContent?.critique),
          ": Plan critique: r",
        );
        const guardFinal = await callTool(
          h.server.client,
          "codex_guard_final",
          { cwd: h.project, change_summary: "c" },
        );
        assertStringIncludes(
          String(guardFinal.structuredContent?.review),
          ": Change review: c",
        );
      } finally {
        await h.close();
      }
    },
  );

  Deno.test(
    `${target.label} model and reasoning_effort reach the model; the origin header reaches Codex (after the text, or in the instructions of a thread the picker lists)`,
    E2E,
    async () => {
      const h = await startHarness(target, {
        CODEX_PERSISTENT_MCP_ORIGIN: "planner-agent",
      });
      try {
        const result = await callTool(h.server.client, "codex_chat", {
          cwd: h.project,
          prompt: "which model?",
          // Codex 0.77.0 sends a reasoning effort only for models it knows reason.
          model: "gpt-5.1-codex",
          reasoning_effort: "high",
        });
        assert(!result.isError, resultText(result));
        assertStringIncludes(
          String(result.structuredContent?.reply),
          "model=gpt-5.1-codex effort=high",
        );
        const request = h.fake.requests.at(-1)!;
        assertEquals(request.model, "gpt-5.1-codex");
        assertEquals(request.effort, "high");
        const header =
          "<<<MCP_CONTEXT_BEGIN>>>\norigin=planner-agent\ntool=codex_chat\nsender=ai_agent\n<<<MCP_CONTEXT_END>>>";
        const sent = request.userMessages.at(-1)!;
        if (target.backend === "app-server") {
          // The picker lists these sessions: their first message stays clean.
          assertEquals(sent, "which model?");
          assert(
            request.developerMessages.some((m) => m.includes(header)),
            "the header travels in the thread's developer instructions",
          );
        } else {
          assert(
            sent.startsWith("which model?\n"),
            "the user's text comes first, for the session preview",
          );
          assertStringIncludes(sent, header);
        }

        // Every later turn carries the header after its text.
        const resumed = await callTool(h.server.client, "codex_chat", {
          session_id: String(result.structuredContent?.session_id),
          prompt: "and now?",
        });
        assert(!resumed.isError, resultText(resumed));
        const later = h.fake.requests.at(-1)!.userMessages.at(-1)!;
        assert(later.startsWith("and now?\n"), later);
        assertStringIncludes(later, header);

        // Without overrides Codex's own defaults apply.
        const plain = await callTool(h.server.client, "codex_chat", {
          cwd: h.project,
          prompt: "defaults",
        });
        assertEquals(h.fake.requests.at(-1)!.model, "fake-model");
        assertStringIncludes(
          String(plain.structuredContent?.reply),
          "model=fake-model ",
        );
      } finally {
        await h.close();
      }
    },
  );

  Deno.test(
    `${target.label} a 300 KB prompt and a prompt that looks like a flag stay text`,
    E2E,
    async () => {
      const h = await startHarness(target);
      try {
        const big = "big prompt\n" + "y".repeat(300 * 1024);
        const bigResult = await callTool(h.server.client, "codex_chat", {
          cwd: h.project,
          prompt: big,
        });
        assert(!bigResult.isError, resultText(bigResult));
        assert(
          h.fake.requests.at(-1)!.userMessages.at(-1)!.includes(
            "y".repeat(300 * 1024),
          ),
        );

        const flag = await callTool(h.server.client, "codex_chat", {
          cwd: h.project,
          prompt: "--version --help",
        });
        assert(!flag.isError, resultText(flag));
        assertStringIncludes(
          String(flag.structuredContent?.reply),
          ": --version --help",
        );
      } finally {
        await h.close();
      }
    },
  );
}

/** The cwd of the session's newest turn, from its rollout file. */
async function lastTurnCwd(
  codexHome: string,
  sessionId: string,
): Promise<string | undefined> {
  const { findRolloutFile } = await import("../src/codex/store.ts");
  const path = await findRolloutFile(codexHome, sessionId);
  assert(path, `no rollout for ${sessionId}`);
  let cwd: string | undefined;
  for (const line of (await Deno.readTextFile(path)).split("\n")) {
    if (!line.includes('"turn_context"')) continue;
    cwd = JSON.parse(line).payload?.cwd;
  }
  return cwd;
}
