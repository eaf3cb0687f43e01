/**
 * End to end: Codex's own reviewer on real git repositories (each target,
 * structured findings, resumable sessions), and forks (0.169.0; a clear
 * error on 0.77.0).
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { git, repository } from "./support/git.ts";
import { e2eTests, type Harness } from "./support/harness.ts";

/** The review call: `codex_review` with a target. */
function review(h: Harness, args: Record<string, unknown>) {
  return h.turn(args, { tool: "codex_review", replyField: "review" });
}

interface Finding {
  title: string;
  body: string;
  priority?: number;
  confidence?: number;
  file?: string;
  line_start?: number;
  line_end?: number;
}

/** The fake reviewer's one finding, as the result must carry it. */
function assertFakeFinding(h: Harness, structured: Record<string, unknown>) {
  const findings = structured.findings as Finding[];
  assertEquals(findings, [{
    title: "[P1] Fake finding in app.ts",
    body: "The fake reviewer flags the first lines.",
    priority: 1,
    confidence: 0.9,
    file: `${h.project}/app.ts`,
    line_start: 1,
    line_end: 2,
  }]);
  assertEquals(structured.overall_correctness, "patch is incorrect");
  assertEquals(
    structured.overall_explanation,
    "The fake reviewer always finds one problem.",
  );
}

e2eTests(
  "codex_review target uncommitted runs Codex's reviewer; findings are structured; the session resumes",
  async (h) => {
    await repository(h, "export const a = 2;\n");
    const { result, reply, sessionId } = await review(h, {
      cwd: h.project,
      target: "uncommitted",
    });
    assertStringIncludes(
      h.fake.lastPrompt(),
      "Review the current code changes (staged, unstaged, and untracked files)",
    );
    assertStringIncludes(reply, "[P1] Fake finding in app.ts");
    assertFakeFinding(h, result.structuredContent!);
    const next = await h.turn({ session_id: sessionId, prompt: "thanks" });
    assertStringIncludes(next.reply, ": thanks");
  },
);

e2eTests(
  "codex_review targets base_branch and commit read the diff Codex is pointed at",
  async (h) => {
    await repository(h);
    await git(h, "checkout", "-q", "-b", "feature");
    await Deno.writeTextFile(`${h.project}/app.ts`, "export const a = 3;\n");
    await git(h, "commit", "-qam", "change a");
    const sha = await git(h, "rev-parse", "HEAD");
    const onBranch = await review(h, {
      cwd: h.project,
      target: "base_branch",
      base_branch: "main",
    });
    assertStringIncludes(h.fake.lastPrompt(), "main");
    assertFakeFinding(h, onBranch.result.structuredContent!);
    const onCommit = await review(h, {
      cwd: h.project,
      target: "commit",
      commit: sha,
      commit_title: "change a",
    });
    assertStringIncludes(h.fake.lastPrompt(), sha);
    assertFakeFinding(h, onCommit.result.structuredContent!);
    assert(onCommit.sessionId !== onBranch.sessionId, "a new session each");
  },
);

e2eTests(
  "codex_review with a target inside a session runs there (app-server), or says why it cannot (exec)",
  async (h) => {
    await repository(h, "export const a = 4;\n");
    const sessionId = await h.newSession();
    if (h.backend === "exec") {
      await h.toolError(
        "codex_review",
        { session_id: sessionId, target: "uncommitted" },
        "failed (not_supported)",
        `A review inside session ${sessionId} needs the app-server backend`,
        "CODEX_PERSISTENT_MCP_BACKEND=app-server",
      );
      assertEquals(h.fake.requests.length, 1, "Codex ran the review");
      return;
    }
    const reviewed = await review(h, {
      session_id: sessionId,
      target: "uncommitted",
    });
    assertEquals(reviewed.sessionId, sessionId);
    assertFakeFinding(h, reviewed.result.structuredContent!);
  },
);

e2eTests(
  "codex_review refuses a target without its field, and no target without change_summary",
  async (h) => {
    for (
      const [args, expected] of [
        [{ target: "base_branch" }, "target base_branch needs base_branch"],
        [{ target: "commit" }, "target commit needs commit"],
        [{}, "change_summary is required unless target is given"],
        [{ target: "everything" }, "target must be one of"],
        [
          { target: "commit", commit: "--all" },
          "commit must be a commit SHA",
        ],
      ] as const
    ) {
      await h.toolError(
        "codex_review",
        { cwd: h.project, ...args },
        expected,
      );
    }
    assertEquals(h.fake.requests.length, 0);
  },
);

e2eTests(
  "codex_fork carries the conversation into a new session; the original does not see the fork's turns",
  async (h) => {
    const original = await h.newSession("first");
    await h.turn({ session_id: original, prompt: "second" });
    if (h.version === "0.77.0") {
      await h.toolError(
        "codex_fork",
        { session_id: original, prompt: "x" },
        "failed (not_supported)",
        "Forking a session needs Codex 0.169.0 or newer; this server runs Codex 0.77.0",
      );
      assertEquals(h.fake.requests.length, 2);
      return;
    }
    const forked = await h.turn({
      session_id: original,
      prompt: "in the fork",
    }, { tool: "codex_fork" });
    assert(forked.sessionId !== original, "the fork is a new session");
    assertEquals(forked.result.structuredContent?.forked_from, original);
    assertStringIncludes(forked.reply, "ECHO turns=3");
    assertEquals(h.fake.lastPrompt().split("\n")[0], "in the fork");
    const back = await h.turn({ session_id: original, prompt: "third" });
    assertStringIncludes(back.reply, "ECHO turns=3");
    assert(
      !h.fake.requests.at(-1)!.userMessages.some((m) =>
        m.startsWith("in the fork")
      ),
      "the original saw the fork's turn",
    );
    // A fork without a prompt copies the conversation and runs no turn.
    const requests = h.fake.requests.length;
    const copy = await h.turn({ session_id: original }, {
      tool: "codex_fork",
    });
    assertEquals(copy.reply, "");
    assertEquals(h.fake.requests.length, requests);
    const onCopy = await h.turn({ session_id: copy.sessionId, prompt: "go" });
    assertStringIncludes(onCopy.reply, "ECHO turns=4");
  },
);
