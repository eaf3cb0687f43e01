/**
 * Benchmark: server memory over many calls, and the time a 20 MB reply takes,
 * through the MCP client SDK against the real Codex CLI and the fake model.
 *
 *   deno task bench:calls [calls=100] [codex version=0.77.0] [exec|app-server]
 */

import { codexBin } from "../tests/support/codex.ts";
import { startHarness } from "../tests/support/harness.ts";
import { callTool } from "../tests/support/mcp.ts";
import { median } from "./bench_support.ts";

const calls = Number(Deno.args[0] ?? 100);
const version = Deno.args[1] ?? "0.77.0";

function rssMiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(status.match(/VmRSS:\s+(\d+) kB/)![1]) / 1024;
}

const backend = Deno.args[2] === "app-server" ? "app-server" : "exec";
const h = await startHarness({ version, backend, label: "" });
const { server, codexHome, project } = h;
const pid = server.transport.pid!;
try {
  // Warm-up call, so start-up allocations do not count as growth.
  const first = await callTool(server.client, "codex_chat", {
    cwd: project,
    prompt: "warm up",
  });
  const sessionId = first.structuredContent?.session_id;
  const baseline = rssMiB(pid);
  const latencies: number[] = [];
  const samples: string[] = [];
  for (let i = 1; i <= calls; i++) {
    const started = performance.now();
    // Alternate new sessions and resumes, and a failure now and then.
    const args = i % 10 === 0
      ? { cwd: project, prompt: "FAKE_FAIL" }
      : i % 2 === 0
      ? { session_id: sessionId, prompt: `resume ${i}` }
      : { cwd: project, prompt: `new ${i}` };
    await callTool(server.client, "codex_chat", args);
    latencies.push(performance.now() - started);
    if (i % Math.max(1, Math.floor(calls / 4)) === 0) {
      samples.push(`${i}: ${rssMiB(pid).toFixed(1)} MiB`);
    }
  }
  console.log(
    `Codex ${version}, ${backend} backend, ${calls} calls through MCP`,
  );
  console.log(
    `  server RSS after warm-up: ${baseline.toFixed(1)} MiB; after calls ${
      samples.join(", ")
    }`,
  );
  console.log(`  median call latency: ${median(latencies).toFixed(0)} ms`);

  // The same 20 MB turn with codex exec alone, to separate Codex's own cost.
  const rawStarted = performance.now();
  // stdout discarded: this measures Codex, not reading its 20 MB.
  const raw = new Deno.Command(codexBin(version), {
    args: ["exec", "--skip-git-repo-check", "--json", "-C", project, "-"],
    env: { CODEX_HOME: codexHome },
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const writer = raw.stdin.getWriter();
  await writer.write(new TextEncoder().encode("FAKE_REPLY_BYTES=20000000"));
  await writer.close();
  await raw.status;
  const rawMs = performance.now() - rawStarted;

  const bigStarted = performance.now();
  const big = await callTool(server.client, "codex_chat", {
    cwd: project,
    prompt: "FAKE_REPLY_BYTES=20000000",
  });
  const bigMs = performance.now() - bigStarted;
  const replyBytes = String(big.structuredContent?.reply ?? "").length;
  console.log(
    `  20 MB reply: ${
      bigMs.toFixed(0)
    } ms through MCP (returned ${replyBytes} chars, cut)` +
      ` vs ${rawMs.toFixed(0)} ms for codex exec alone; server RSS after: ${
        rssMiB(pid).toFixed(1)
      } MiB`,
  );
} finally {
  await h.close();
}
