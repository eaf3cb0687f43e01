/**
 * End to end, as an attacker who planted a repository's git config (as an
 * earlier workspace-write turn can, in a repository it makes below its
 * cwd): commands in `core.fsmonitor`, a clean filter, an external diff, and
 * hooks for every git command that writes the index or a commit. Codex
 * runs git there itself, outside its sandbox (0.77.0: snapshots; 0.169.0
 * and newer: `git status` before each turn, `git diff` for reviews).
 * Judged by outcome: no planted command runs, on every Codex version and
 * backend; a turn in a repository whose config names a filter or diff
 * command is refused before Codex runs.
 */

import { assertEquals } from "./support/assert.ts";
import { homeOf } from "./support/attack.ts";
import { git, repository } from "./support/git.ts";
import { e2eTests, type Harness } from "./support/harness.ts";

const HOOKS = [
  "post-index-change",
  "pre-commit",
  "post-commit",
  "post-checkout",
  "reference-transaction",
  "pre-auto-gc",
];

/** Plants hooks and `core.fsmonitor` (and `extra` config); the marker. */
async function plant(h: Harness, extra: string[][] = []): Promise<string> {
  const marker = `${homeOf(h)}/planted-ran`;
  await repository(h, "export const a = 2;\n");
  await git(
    h,
    "config",
    "core.fsmonitor",
    `echo fsmonitor >> ${marker}; false`,
  );
  await git(h, "config", "core.hooksPath", "hooks");
  for (const [key, value] of extra) {
    await git(h, "config", key, value.replace("MARKER", marker));
  }
  await Deno.writeTextFile(
    `${h.project}/.gitattributes`,
    "* filter=x diff=x\n",
  );
  await Deno.mkdir(`${h.project}/hooks`);
  for (const hook of HOOKS) {
    await Deno.writeTextFile(
      `${h.project}/hooks/${hook}`,
      `#!/bin/sh\necho ${hook} >> ${marker}\n`,
      { mode: 0o755 },
    );
  }
  await Deno.writeTextFile(`${h.project}/untracked.txt`, "new\n");
  return marker;
}

e2eTests(
  "planted hooks and core.fsmonitor run nothing when Codex chats, resumes and reviews in the repository",
  async (h) => {
    const marker = await plant(h);
    const { sessionId } = await h.turn({
      cwd: h.project,
      sandbox: "read-only",
      prompt: "hi",
    });
    await h.turn({ session_id: sessionId, prompt: "again" });
    await h.turn(
      { cwd: h.project, target: "uncommitted" },
      { tool: "codex_review", replyField: "review" },
    );
    await h.releaseSessions();
    const ran = await Deno.readTextFile(marker).catch(() => "");
    assertEquals(ran, "", "a planted git command ran");
  },
);

e2eTests(
  "a repository whose own config names a filter, a textconv or an external diff is refused before Codex runs, for chats and reviews",
  async (h) => {
    const marker = await plant(h, [
      ["filter.x.clean", "echo filter >> MARKER; cat"],
      ["diff.x.textconv", "echo textconv >> MARKER; cat"],
      ["diff.external", "echo external >> MARKER"],
    ]);
    const calls: [string, Record<string, unknown>][] = [
      ["codex_chat", { cwd: h.project, sandbox: "read-only", prompt: "hi" }],
      ["codex_review", { cwd: h.project, target: "uncommitted" }],
      ["codex_review", {
        cwd: h.project,
        target: "base_branch",
        base_branch: "main",
      }],
      ["codex_review", { cwd: h.project, target: "commit", commit: "HEAD" }],
    ];
    for (const [tool, args] of calls) {
      await h.toolError(
        tool,
        args,
        "failed (not_allowed)",
        "filter.x.clean",
        "outside its sandbox",
      );
    }
    assertEquals(h.fake.requests.length, 0, "Codex ran");
    const ran = await Deno.readTextFile(marker).catch(() => "");
    assertEquals(ran, "", "a planted git command ran");
  },
);
