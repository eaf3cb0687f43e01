/**
 * The official MCP conformance suite's server scenarios against `--http`:
 * `server-initialize`, `ping`, `tools-list` and `dns-rebinding-protection`.
 * Its CLI sends no headers of its own, so a small proxy in front adds the
 * bearer token and passes everything else on as it came (a browser-like
 * `Origin` included; `fetch` sets the `Host` for the hop, which the
 * hostile-page test in http_e2e_test.ts sends on a raw socket instead).
 */

import { assertEquals } from "./support/assert.ts";
import { CONFORMANCE_CLI, NODE22 } from "./support/codex.ts";
import { E2E, startHarness, TARGETS } from "./support/harness.ts";
import { startHttpServer } from "./support/http_server.ts";

const target = TARGETS.find((t) =>
  t.version === "0.171.0" && t.backend === "app-server"
)!;

const SCENARIOS = [
  "server-initialize",
  "ping",
  "tools-list",
  "dns-rebinding-protection",
];

Deno.test({
  name:
    `[conformance over HTTP · ${target.label}] the suite's server scenarios ${
      SCENARIOS.join(", ")
    } pass through a proxy that adds the token`,
  ...E2E,
  async fn() {
    const h = await startHarness(target);
    const server = await startHttpServer(h.env);
    const proxy = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (request) => {
        const headers = new Headers(request.headers);
        headers.delete("host");
        headers.set("authorization", `Bearer ${server.token}`);
        return fetch(server.url, {
          method: request.method,
          headers,
          body: request.body,
          signal: request.signal,
        });
      },
    );
    try {
      const url = `http://127.0.0.1:${proxy.addr.port}/mcp`;
      const failed: string[] = [];
      for (const scenario of SCENARIOS) {
        const run = await new Deno.Command(NODE22, {
          args: [
            CONFORMANCE_CLI,
            "server",
            "--url",
            url,
            "--scenario",
            scenario,
          ],
          stdout: "piped",
          stderr: "piped",
        }).output();
        if (run.code !== 0) {
          failed.push(
            `${scenario}: ${new TextDecoder().decode(run.stdout)}${
              new TextDecoder().decode(run.stderr)
            }`,
          );
        }
      }
      assertEquals(failed, []);
    } finally {
      await proxy.shutdown();
      await server.stop();
      await h.close();
    }
  },
});
