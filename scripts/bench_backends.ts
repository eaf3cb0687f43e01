/**
 * Benchmark: the exec and app-server backends side by side, through MCP with
 * the real Codex CLI and the fake model: median latency of new-session and
 * resume calls, six sessions in parallel (median of three), memory of the
 * Codex processes held (resident and proportional),
 * and raw `codex exec resume` for comparison.
 *
 *   deno task bench:backends [codex version=both]
 */

import {
  CODEX_VERSIONS,
  codexExecResumeByHand,
  codexProcesses,
} from "../tests/support/codex.ts";
import { BACKENDS, startHarness } from "../tests/support/harness.ts";
import { callTool } from "../tests/support/mcp.ts";
import { median } from "./bench_support.ts";

const versions = Deno.args[0] ? [Deno.args[0]] : CODEX_VERSIONS;
const RUNS = 7;

/**
 * Memory of processes in MiB: resident (VmRSS, which counts the pages of
 * one Codex binary shared by every warm session again in each) and
 * proportional (Pss: shared pages split among their users).
 */
function memoryMiB(pids: number[]): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    try {
      const status = Deno.readTextFileSync(`/proc/${pid}/status`);
      rss += Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? 0);
      const rollup = Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`);
      pss += Number(rollup.match(/^Pss:\s+(\d+) kB/m)?.[1] ?? 0);
    } catch {
      // Gone.
    }
  }
  return { rss: rss / 1024, pss: pss / 1024 };
}

async function time(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

for (const version of versions) {
  const rawResume: number[] = [];
  for (const backend of BACKENDS) {
    const h = await startHarness({ version, backend, label: "" }, {
      CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS: "60000",
      // Keep every session warm, to measure what one costs.
      CODEX_PERSISTENT_MCP_APP_SERVER_MAX_WARM: "64",
    });
    try {
      const created: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        created.push(await time(() => h.newSession()));
      }
      const sessionId = await h.newSession();
      const resumed: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        resumed.push(
          await time(() =>
            callTool(h.server.client, "codex_chat", {
              session_id: sessionId,
              prompt: `resume ${i}`,
            })
          ),
        );
      }
      // Every session made so far is still warm (60 s idle window).
      const warmSessions = RUNS + 1;
      const held = memoryMiB(codexProcesses(h.codexHome));
      const parallel: number[] = [];
      for (let run = 0; run < 3; run++) {
        parallel.push(
          await time(() =>
            Promise.all(
              Array.from(
                { length: 6 },
                (_, i) => h.newSession(`p${run}.${i}`),
              ),
            )
          ),
        );
      }
      if (backend === "exec") {
        for (let i = 0; i < RUNS; i++) {
          rawResume.push(
            await time(() =>
              codexExecResumeByHand(
                h.bin,
                h.codexHome,
                h.project,
                sessionId,
                `raw ${i}`,
              )
            ),
          );
        }
      }
      console.log(
        `Codex ${version} ${backend.padEnd(10)} new session ${
          median(created).toFixed(0)
        } ms, ` +
          `resume ${median(resumed).toFixed(0)} ms, 6 parallel new sessions ${
            median(parallel).toFixed(0)
          } ms, ` +
          `Codex processes held with ${warmSessions} sessions used ${
            held.rss.toFixed(0)
          } MiB resident (${
            (held.rss / warmSessions).toFixed(0)
          } MiB each; proportional ${(held.pss / warmSessions).toFixed(0)})`,
      );
    } finally {
      await h.close();
    }
  }
  console.log(
    `Codex ${version} raw codex exec resume ${median(rawResume).toFixed(0)} ms`,
  );
}
