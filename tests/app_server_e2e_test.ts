/**
 * End to end, app-server backend only: falling back to exec, sessions taken
 * over by hand while warm, the warm process reused between calls, and the cap
 * on warm processes.
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { codexExecResumeByHand, codexProcesses } from "./support/codex.ts";
import {
  E2E,
  eventually,
  newSession,
  startHarness,
  TARGETS,
} from "./support/harness.ts";
import { callTool, collectLogs, resultText } from "./support/mcp.ts";

/** The app-server processes (launcher and native binary) of a harness. */
function appServers(codexHome: string): number[] {
  return codexProcesses(codexHome).filter((pid) => {
    try {
      return Deno.readTextFileSync(`/proc/${pid}/cmdline`).includes(
        "app-server",
      );
    } catch {
      return false;
    }
  }).sort();
}

for (const target of TARGETS.filter((t) => t.backend === "app-server")) {
  Deno.test(
    `${target.label} a Codex without a working app-server falls back to exec, with a logged reason`,
    E2E,
    async () => {
      const wrapper = await Deno.makeTempFile({ suffix: ".sh" });
      const h0 = await startHarness(target);
      const realBin = h0.bin;
      await h0.close();
      // A codex whose app-server subcommand is broken; exec still works.
      await Deno.writeTextFile(
        wrapper,
        `#!/bin/sh\nif [ "$1" = app-server ]; then echo "no app-server here" >&2; exit 3; fi\nexec "${realBin}" "$@"\n`,
      );
      await Deno.chmod(wrapper, 0o755);
      const h = await startHarness(target, { CODEX_BIN: wrapper });
      try {
        const logs = collectLogs(h.server.client);
        const result = await callTool(h.server.client, "codex_chat", {
          cwd: h.project,
          prompt: "fallback please",
        });
        assert(!result.isError, resultText(result));
        assertStringIncludes(
          String(result.structuredContent?.reply),
          "fallback please",
        );
        assert(
          logs.some((l) =>
            l.includes("running this call with codex exec instead")
          ),
          logs.join(" | "),
        );
      } finally {
        await h.close();
        await Deno.remove(wrapper);
      }
    },
  );

  Deno.test(
    `${target.label} the warm app-server is reused, then released after the idle window`,
    E2E,
    async () => {
      const h = await startHarness(target, {
        CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS: "1500",
      });
      try {
        const sessionId = await newSession(h);
        const warm = appServers(h.codexHome);
        assert(warm.length > 0, "no app-server kept warm after the call");
        const second = await callTool(h.server.client, "codex_chat", {
          session_id: sessionId,
          prompt: "again",
        });
        assertStringIncludes(
          String(second.structuredContent?.reply),
          "ECHO turns=2",
        );
        // The same processes served the second turn.
        assertEquals(appServers(h.codexHome), warm);
        await new Promise((resolve) => setTimeout(resolve, 2500));
        assertEquals(codexProcesses(h.codexHome), [], "not released");
      } finally {
        await h.close();
      }
    },
  );

  Deno.test(
    `${target.label} past APP_SERVER_MAX_WARM warm sessions the least recently used one is released`,
    E2E,
    async () => {
      const h = await startHarness(target, {
        CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS: "60000",
        CODEX_PERSISTENT_MCP_APP_SERVER_MAX_WARM: "1",
      });
      try {
        const first = await newSession(h, "first");
        const firstProcesses = appServers(h.codexHome);
        assert(firstProcesses.length > 0, "no app-server kept warm");
        await newSession(h, "second");
        assert(
          await eventually(
            () =>
              !appServers(h.codexHome).some((pid) =>
                firstProcesses.includes(pid)
              ),
            5_000,
          ),
          "the first session's app-server is still running",
        );
        assertEquals(
          appServers(h.codexHome).length,
          firstProcesses.length,
          "one session warm",
        );
        // The released session loads afresh.
        const again = await callTool(h.server.client, "codex_chat", {
          session_id: first,
          prompt: "back again",
        });
        assertStringIncludes(
          String(again.structuredContent?.reply),
          "ECHO turns=2",
        );
      } finally {
        await h.close();
      }
    },
  );

  Deno.test(
    `${target.label} a session continued by hand while warm is reloaded, not overwritten`,
    E2E,
    async () => {
      const h = await startHarness(target, {
        CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS: "30000",
      });
      try {
        const sessionId = await newSession(h);
        const byHand = await codexExecResumeByHand(
          h.bin,
          h.codexHome,
          h.project,
          sessionId,
          "typed while the agent's app-server is warm",
        );
        // 0.169.0 refuses a second writer while we hold the session; 0.77.0
        // has no lock and appends. Either way our next call must see the truth.
        const handTurns = byHand.code === 0 ? 1 : 0;
        if (byHand.code !== 0) assertStringIncludes(byHand.stderr, "writer");
        const next = await callTool(h.server.client, "codex_chat", {
          session_id: sessionId,
          prompt: "after the human",
        });
        assert(!next.isError, resultText(next));
        assertStringIncludes(
          String(next.structuredContent?.reply),
          `ECHO turns=${2 + handTurns}`,
        );
      } finally {
        await h.close();
      }
    },
  );
}
