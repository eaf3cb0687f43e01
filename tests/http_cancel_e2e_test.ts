/**
 * End to end over HTTP: a call's progress, and the client's cancel stopping
 * its turn, in both eras. In a test process of its own: after other HTTP
 * clients had run in the same test process (http_e2e_test.ts), the
 * 2026-07-28 cancel on exec sometimes did not reach the server, while each
 * test starts a fresh server, so nothing of the server's carries over.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { codexProcesses } from "./support/codex.ts";
import { eventually, TARGETS } from "./support/harness.ts";
import { clientV2, httpTest } from "./support/http_server.ts";

for (const target of TARGETS.filter((t) => t.version === "0.171.0")) {
  httpTest(
    target,
    "a call's progress arrives over HTTP, and the client's cancel stops its turn: Codex ends",
    async (h, server) => {
      for (const era of ["2026-07-28", "legacy"] as const) {
        const client = await clientV2(server, era);
        const controller = new AbortController();
        const progress: string[] = [];
        const call = client.callTool({
          name: "codex_chat",
          arguments: { cwd: h.project, prompt: "FAKE_SLEEP_MS=60000 long" },
        }, {
          signal: controller.signal,
          onprogress: (p) => progress.push(p.message ?? ""),
        }).then(() => "answered", () => "cancelled");
        assert(
          await eventually(() => progress.length > 0, 20_000),
          `${era}: no progress`,
        );
        assert(
          await eventually(
            () => codexProcesses(h.codexHome).length > 0,
            20_000,
          ),
          `${era}: Codex never started`,
        );
        controller.abort("the user pressed stop");
        assertEquals(await call, "cancelled");
        assert(
          await eventually(
            () => codexProcesses(h.codexHome).length === 0,
            // Well inside the turn's 60 s: a cancel that never arrived fails.
            30_000,
          ),
          `${era}: Codex still runs after the cancel`,
        );
        await client.close();
      }
    },
  );
}
