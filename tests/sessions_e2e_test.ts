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

import { e2eTests } from "./support/harness.ts";
import { resultText, startServer } from "./support/mcp.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

e2eTests(
  "lists every tool with input and output schemas",
  async (h) => {
    const { tools } = await h.server.client.listTools();
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    assertEquals(
      [...byName.keys()].sort(),
      [
        "codex_cancel",
        "codex_chat",
        "codex_fork",
        "codex_guard_final",
        "codex_guard_plan",
        "codex_plan",
        "codex_review",
        "codex_session_read",
        "codex_sessions",
        "codex_wait",
      ],
    );
    // Read-only where true (Codex as a client runs these in parallel).
    for (
      const name of ["codex_sessions", "codex_session_read", "codex_wait"]
    ) {
      assertEquals(byName.get(name)?.annotations?.readOnlyHint, true, name);
    }
    assertEquals(
      byName.get("codex_chat")?.annotations?.readOnlyHint,
      undefined,
    );
    assertEquals(byName.get("codex_wait")?.inputSchema.required, [
      "session_id",
    ]);
    assertEquals(byName.get("codex_cancel")?.inputSchema.required, [
      "session_id",
    ]);
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
      codex_review: [[], "review"],
      codex_guard_final: [[], "review"],
      codex_fork: [["session_id"], "reply"],
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
          "background",
          "sandbox",
          "images",
          "output_schema",
        ]
      ) {
        assert(
          field in (tool.inputSchema.properties ?? {}),
          `${name} lacks ${field}`,
        );
      }
      const output = tool.outputSchema as {
        required?: string[];
        properties?: Record<string, unknown>;
      };
      assertEquals(output.required?.sort(), ["session_id", "status"]);
      assert(replyField in (output.properties ?? {}), name);
    }
  },
);

e2eTests(
  "new session, MCP resume, hand resume, fresh server resume",
  async (h) => {
    const first = await h.turn({ prompt: "hello there", cwd: h.project });
    const sessionId = first.sessionId;
    assertMatch(sessionId, UUID);
    assertStringIncludes(first.reply, "ECHO turns=1");
    assertStringIncludes(first.reply, ": hello there");
    // A client that reads only text can still continue the session.
    assertStringIncludes(resultText(first.result), "ECHO turns=1");
    assertStringIncludes(
      resultText(first.result),
      `session_id: ${sessionId}`,
    );
    const usage = first.result.structuredContent?.usage;
    assert(
      typeof (usage as { output_tokens?: number })?.output_tokens ===
        "number",
    );

    const second = await h.turn({
      session_id: sessionId,
      prompt: "second turn",
    });
    assertEquals(second.sessionId, sessionId);
    assertStringIncludes(second.reply, "ECHO turns=2");

    const byHand = await h.resumeByHand(sessionId, "typed by a human");
    assertEquals(byHand.code, 0, byHand.stderr);
    assertStringIncludes(byHand.stdout, `"thread_id":"${sessionId}"`);
    assertStringIncludes(byHand.stdout, "ECHO turns=3");

    const fresh = await startServer(h.env);
    try {
      const fourth = await h.turn({
        session_id: sessionId,
        prompt: "after a restart",
      }, { client: fresh.client });
      assertEquals(fourth.sessionId, sessionId);
      assertStringIncludes(fourth.reply, "ECHO turns=4");
    } finally {
      await fresh.close();
    }
    // Every turn reached the model in one conversation.
    assertEquals(h.fake.requests.at(-1)?.userMessages.length, 4);
    assertStringIncludes(
      h.fake.requests.at(-1)!.userMessages[2],
      "typed by a human",
    );
  },
);

e2eTests(
  "resume without cwd runs in the session's recorded directory; an explicit cwd wins",
  async (h) => {
    const elsewhere = await h.tempDir("codex-elsewhere-");
    const sessionId = await h.newSession();
    const inferred = await h.turn({
      session_id: sessionId,
      prompt: "inferred",
    });
    assertEquals(inferred.sessionId, sessionId);
    assertStringIncludes(inferred.reply, "ECHO turns=2");
    assertEquals(await lastTurnCwd(h.codexHome, sessionId), h.project);
    const moved = await h.turn({
      session_id: sessionId,
      prompt: "explicit",
      cwd: elsewhere,
    });
    assertStringIncludes(moved.reply, "ECHO turns=3");
    assertEquals(await lastTurnCwd(h.codexHome, sessionId), elsewhere);
  },
);

e2eTests(
  "plan and review tools (and their old names) build headed prompts",
  async (h) => {
    const plan = await h.turn({
      cwd: h.project,
      requirements: "Add login rate limiting",
      plan: "1. count attempts\n2. block after 5",
      constraints: "no new dependencies",
    }, { tool: "codex_plan", replyField: "critique" });
    assertStringIncludes(plan.reply, "ECHO turns=1");
    assertEquals(plan.result.structuredContent?.reply, undefined);
    const planPrompt = h.fake.lastPrompt();
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

    const review = await h.turn({
      session_id: plan.sessionId,
      change_summary: "Rate limiting added",
      test_results: "12 passed",
    }, { tool: "codex_review", replyField: "review" });
    assertStringIncludes(review.reply, "ECHO turns=2");
    const reviewPrompt = h.fake.lastPrompt();
    assert(
      reviewPrompt.startsWith("Change review: Rate limiting added\n"),
      reviewPrompt,
    );
    assertStringIncludes(reviewPrompt, "## Test results\n12 passed");
    assert(
      !reviewPrompt.includes("## Open questions"),
      "empty sections are left out",
    );

    // The older names answer like the tools they stand for.
    const olderNames = [
      ["codex_guard_plan", "critique", { requirements: "r", plan: "p" }],
      ["codex_guard_final", "review", { change_summary: "c" }],
    ] as const;
    const expected = [": Plan critique: r", ": Change review: c"];
    for (const [i, [tool, replyField, args]] of olderNames.entries()) {
      const { reply } = await h.turn({ cwd: h.project, ...args }, {
        tool,
        replyField,
      });
      assertStringIncludes(reply, expected[i]);
    }
  },
);

e2eTests(
  "model and reasoning_effort reach the model; the origin header reaches Codex (after the text, or in the instructions of a thread the picker lists)",
  async (h) => {
    const result = await h.turn({
      cwd: h.project,
      prompt: "which model?",
      // Codex 0.77.0 sends a reasoning effort only for models it knows reason.
      model: "gpt-5.1-codex",
      reasoning_effort: "high",
    });
    assertStringIncludes(result.reply, "model=gpt-5.1-codex effort=high");
    const request = h.fake.requests.at(-1)!;
    assertEquals(request.model, "gpt-5.1-codex");
    assertEquals(request.effort, "high");
    const header =
      "<<<MCP_CONTEXT_BEGIN>>>\norigin=planner-agent\ntool=codex_chat\nsender=ai_agent\n<<<MCP_CONTEXT_END>>>";
    const sent = request.userMessages.at(-1)!;
    if (h.backend === "app-server") {
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
    await h.turn({ session_id: result.sessionId, prompt: "and now?" });
    const later = h.fake.lastPrompt();
    assert(later.startsWith("and now?\n"), later);
    assertStringIncludes(later, header);

    // Without overrides Codex's own defaults apply.
    const plain = await h.turn({ cwd: h.project, prompt: "defaults" });
    assertEquals(h.fake.requests.at(-1)!.model, "fake-model");
    assertStringIncludes(plain.reply, "model=fake-model ");
  },
  {
    CODEX_PERSISTENT_MCP_ORIGIN: "planner-agent",
  },
);

e2eTests(
  "a 300 KB prompt and a prompt that looks like a flag stay text",
  async (h) => {
    const big = "big prompt\n" + "y".repeat(300 * 1024);
    await h.turn({ cwd: h.project, prompt: big });
    assert(
      h.fake.lastPrompt().includes(
        "y".repeat(300 * 1024),
      ),
    );

    const flag = await h.turn({
      cwd: h.project,
      prompt: "--version --help",
    });
    assertStringIncludes(flag.reply, ": --version --help");
  },
);

/** The cwd of the session's newest turn, from its rollout file. */
async function lastTurnCwd(
  codexHome: string,
  sessionId: string,
): Promise<string | undefined> {
  const { findRolloutFile } = await import("../src/store/rollout_files.ts");
  const path = await findRolloutFile(codexHome, sessionId);
  assert(path, `no rollout for ${sessionId}`);
  let cwd: string | undefined;
  for (const line of (await Deno.readTextFile(path)).split("\n")) {
    if (!line.includes('"turn_context"')) continue;
    cwd = JSON.parse(line).payload?.cwd;
  }
  return cwd;
}
