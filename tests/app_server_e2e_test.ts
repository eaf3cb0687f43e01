/**
 * End to end, app-server backend only: falling back to exec, sessions taken
 * over by hand while warm, the warm process reused between calls, and the cap
 * on warm processes.
 */

import { versionAtLeast } from "../src/codex/version.ts";
import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { codexProcesses } from "./support/codex.ts";
import {
  E2E,
  e2eTest,
  eventually,
  startHarness,
  TARGETS,
} from "./support/harness.ts";
import { collectLogs } from "./support/mcp.ts";

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

/** The idle window of the release test. */
const IDLE_MS = 1500;

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
        const { reply } = await h.turn({
          cwd: h.project,
          prompt: "fallback please",
        });
        assertStringIncludes(reply, "fallback please");
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

  e2eTest(
    target,
    "the warm app-server is reused, then released after the idle window",
    async (h) => {
      const sessionId = await h.newSession();
      const warm = appServers(h.codexHome);
      assert(warm.length > 0, "no app-server kept warm after the call");
      const second = await h.turn({ session_id: sessionId, prompt: "again" });
      assertStringIncludes(second.reply, "ECHO turns=2");
      const answeredAt = Date.now();
      // The same processes served the second turn.
      assertEquals(appServers(h.codexHome), warm);
      assert(
        await eventually(() => codexProcesses(h.codexHome).length === 0, 6_000),
        "not released",
      );
      const releasedAfter = Date.now() - answeredAt;
      assert(
        releasedAfter >= IDLE_MS - 100,
        `released after ${releasedAfter} ms, before the ${IDLE_MS} ms idle window`,
      );
    },
    { CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS: String(IDLE_MS) },
  );

  e2eTest(
    target,
    "the server's shutdown ends its warm app-servers at once, not after the idle window",
    async (h) => {
      await h.newSession();
      assert(appServers(h.codexHome).length > 0, "no app-server kept warm");
      // Closing the client ends the server's stdin: it shuts down.
      await h.server.close();
      assert(
        await eventually(() => codexProcesses(h.codexHome).length === 0, 5_000),
        "a warm app-server outlived the server",
      );
    },
    { CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS: "600000" },
  );

  e2eTest(
    target,
    "past APP_SERVER_MAX_WARM warm sessions the least recently used one is released",
    async (h) => {
      const first = await h.newSession("first");
      const firstProcesses = appServers(h.codexHome);
      assert(firstProcesses.length > 0, "no app-server kept warm");
      await h.newSession("second");
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
      const again = await h.turn({ session_id: first, prompt: "back again" });
      assertStringIncludes(again.reply, "ECHO turns=2");
    },
    {
      CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS: "60000",
      CODEX_PERSISTENT_MCP_APP_SERVER_MAX_WARM: "1",
    },
  );

  e2eTest(
    target,
    "a session continued by hand while warm is reloaded, not overwritten",
    async (h) => {
      const sessionId = await h.newSession();
      const byHand = await h.resumeByHand(
        sessionId,
        "typed while the agent's app-server is warm",
        { release: false },
      );
      // As README says: 0.169.0 refuses a second writer while we hold the
      // session; 0.77.0 has no lock and appends. Our next call must see it.
      let handTurns: number;
      if (versionAtLeast(target.version, "0.169.0")) {
        assertEquals(byHand.code, 1, byHand.stdout);
        assertStringIncludes(byHand.stderr, "already has an active writer");
        handTurns = 0;
      } else {
        assertEquals(byHand.code, 0, byHand.stderr);
        assertStringIncludes(byHand.stdout, "ECHO turns=2");
        handTurns = 1;
      }
      const next = await h.turn({
        session_id: sessionId,
        prompt: "after the human",
      });
      assertStringIncludes(next.reply, `ECHO turns=${2 + handTurns}`);
    },
    {
      CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS: "30000",
    },
  );
}

for (const target of TARGETS) {
  Deno.test(
    `${target.label} Codex runs as its native binary, with no Node launcher in between`,
    E2E,
    async () => {
      const h = await startHarness(target, {
        CODEX_PERSISTENT_MCP_BACKEND: target.backend,
      });
      let turn: ReturnType<typeof h.turn> | undefined;
      try {
        turn = h.turn({
          cwd: h.project,
          prompt: "native please FAKE_SLEEP_MS=1500",
        });
        assert(
          await eventually(() => h.fake.requests.length > 0, 10_000),
          "Codex never called the model",
        );
        const executables = codexProcesses(h.codexHome).map((pid) => {
          try {
            return Deno.realPathSync(`/proc/${pid}/exe`);
          } catch {
            return "";
          }
        });
        // The harness's CODEX_BIN is the npm launcher (node_modules/.bin/codex).
        assert(
          executables.some((exe) =>
            /\/vendor\/[^/]+\/(bin|codex)\/codex$/.test(exe)
          ),
          executables.join("\n"),
        );
        assert(
          !executables.some((exe) => /\/node[0-9.]*$/.test(exe)),
          executables.join("\n"),
        );
        assertStringIncludes((await turn).reply, "native please");
      } finally {
        await turn?.catch(() => {});
        await h.close();
      }
    },
  );
}
