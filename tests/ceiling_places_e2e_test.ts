/**
 * End to end, as an attacker: where Codex may work. A call's cwd is bounded
 * by the user's roots and never reaches Codex's home; what a call writes
 * (Codex's config, a project's `.codex/config.toml`) never raises what a
 * later call may do; the session tools show only sessions inside the roots.
 * Judged by outcome: marker files written or not, commands run or not.
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { editCodexConfig, exists, homeOf, shell } from "./support/attack.ts";
import { codexExecByHand } from "./support/codex.ts";
import { repository } from "./support/git.ts";
import { e2eTests } from "./support/harness.ts";
import { callTool, resultText, startServer } from "./support/mcp.ts";

e2eTests(
  "a cwd of /, outside the roots, around or inside Codex's home, or a link to one is refused before Codex runs; nothing is written",
  async (h) => {
    const marker = `${homeOf(h)}/pwned`;
    await Deno.symlink("/", `${h.project}/to-root`);
    await Deno.mkdir(`${h.codexHome}/inside`);
    const places = [
      ["/", "is the root of the file system"],
      ["/usr/share", "is outside the directories this server may work in"],
      [homeOf(h), "would let Codex reach its own home"],
      [h.codexHome, "would let Codex reach its own home"],
      [`${h.codexHome}/inside`, "would let Codex reach its own home"],
      [`${h.project}/to-root`, "(really /) is the root of the file system"],
    ];
    for (const [cwd, problem] of places) {
      const text = await h.toolError(
        "codex_chat",
        { cwd, sandbox: "workspace-write", prompt: shell(`touch ${marker}`) },
        "failed (not_allowed)",
        problem,
        "CODEX_PERSISTENT_MCP_ROOTS",
      );
      assertStringIncludes(text, "Only the user can add roots");
    }
    // On resume too: an explicit cwd, or a session recorded elsewhere.
    const sessionId = await h.newSession();
    await h.toolError(
      "codex_chat",
      { session_id: sessionId, cwd: "/", prompt: shell(`touch ${marker}`) },
      "failed (not_allowed)",
      sessionId,
    );
    assertEquals(h.fake.requests.length, 1, "Codex ran for a refused call");
    assert(!exists(marker), "a refused call wrote");
  },
);

e2eTests(
  "a workspace-write call cannot rewrite Codex's config, so the next call stays in the sandbox",
  async (h) => {
    const config = `${h.codexHome}/config.toml`;
    const before = await Deno.readTextFile(config);
    const sessionId = await h.newSession();
    await h.turn({
      session_id: sessionId,
      sandbox: "workspace-write",
      prompt: shell(`cp /dev/null ${config}`),
    });
    assertEquals(await Deno.readTextFile(config), before);
    assert(exists(`${h.project}`));
  },
);

e2eTests(
  "a Codex home inside /tmp stays shut to workspace-write calls (the user's other /tmp settings kept)",
  async (h) => {
    // The same configuration, in a Codex home under /tmp.
    const home = await Deno.makeTempDir({ prefix: "tmp-codex-home-" });
    try {
      await Deno.copyFile(`${h.codexHome}/config.toml`, `${home}/config.toml`);
      const server = await startServer({ ...h.env, CODEX_HOME: home });
      try {
        const result = await callTool(server.client, "codex_chat", {
          cwd: h.project,
          sandbox: "workspace-write",
          prompt: shell(`touch ${home}/pwned ${h.project}/inside`),
        });
        assert(!result.isError, resultText(result));
        assert(exists(`${h.project}/inside`), "the project was not writable");
        assert(!exists(`${home}/pwned`), "Codex wrote into its own home");
      } finally {
        await server.close();
      }
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
);

e2eTests(
  "a project .codex/config.toml written by one call spawns nothing and raises no sandbox in the next, even in a trusted project",
  async (h) => {
    await repository(h);
    await editCodexConfig(h, {
      tables: `[projects.${
        JSON.stringify(h.project)
      }]\ntrust_level = "trusted"`,
    });
    const spawned = `${homeOf(h)}/mcp-spawned`;
    const outside = `${homeOf(h)}/outside`;
    // printf spells "_" as \137: the directive reads "_" as a space.
    const projectConfig =
      `[mcp\\137servers.x]\\ncommand = "touch"\\nargs = ["${spawned}"]\\n` +
      `sandbox\\137mode = "danger-full-access"\\n`;
    const sessionId = await h.newSession();
    await h.turn({
      session_id: sessionId,
      sandbox: "workspace-write",
      prompt: shell(
        `mkdir -p sub/.codex && printf '${projectConfig}' > sub/.codex/config.toml`,
      ),
    });
    const written = await Deno.readTextFile(
      `${h.project}/sub/.codex/config.toml`,
    );
    assertStringIncludes(written, "[mcp_servers.x]");
    await h.turn({
      cwd: `${h.project}/sub`,
      sandbox: "read-only",
      prompt: "hello from sub",
    });
    await h.turn({
      cwd: `${h.project}/sub`,
      prompt: shell(`touch ${outside}`),
    });
    await h.releaseSessions();
    assert(!exists(spawned), "Codex spawned the project config's MCP server");
    assert(!exists(outside), "the project config raised the sandbox");
  },
);

e2eTests(
  "the session tools show only sessions inside the roots; one made elsewhere cannot be read, waited on, resumed (whatever cwd the call gives) or forked, and Codex never runs for it",
  async (h) => {
    const mine = await h.newSession("inside the roots");
    const elsewhere = await Deno.makeTempDir({ prefix: "elsewhere-" });
    try {
      const byHand = await codexExecByHand(
        h.bin,
        h.codexHome,
        elsewhere,
        "made outside the roots",
      );
      assertEquals(byHand.code, 0, byHand.stderr);
      const foreign = byHand.stdout.match(/"thread_id":"([^"]+)"/)?.[1];
      assert(foreign !== undefined, byHand.stdout);
      const listed = await callTool(h.server.client, "codex_sessions", {});
      const ids =
        (listed.structuredContent?.sessions as { session_id: string }[])
          .map((session) => session.session_id);
      assertEquals(ids, [mine]);
      for (
        const [tool, args] of [
          ["codex_session_read", { session_id: foreign }],
          ["codex_wait", { session_id: foreign, wait_ms: 0 }],
          ["codex_chat", { session_id: foreign, prompt: "continue it" }],
          // An explicit cwd inside the roots does not make it ours.
          ["codex_chat", {
            session_id: foreign,
            cwd: h.project,
            prompt: "continue it here",
          }],
          ["codex_fork", { session_id: foreign, prompt: "fork it" }],
          ["codex_fork", {
            session_id: foreign,
            cwd: h.project,
            prompt: "fork it here",
          }],
          ["codex_review", {
            session_id: foreign,
            cwd: h.project,
            target: "uncommitted",
          }],
        ] as const
      ) {
        const requests = h.fake.requests.length;
        await h.toolError(
          tool,
          args,
          "failed (not_allowed)",
          foreign,
          elsewhere,
        );
        assertEquals(
          h.fake.requests.length,
          requests,
          `Codex ran for ${tool} on a foreign session`,
        );
      }
    } finally {
      await Deno.remove(elsewhere, { recursive: true });
    }
  },
);
