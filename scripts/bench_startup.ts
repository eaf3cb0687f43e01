/**
 * Benchmark: start-up, measured as an MCP client sees it — the median wall
 * time from spawning the server to the answer of its first `tools/list`
 * (fresh process each run) — and what in start-up costs the most.
 *
 *   deno task bench:startup [runs=9]
 *
 * Compares the npm bin (SDK and zod bundled), the same code with the SDK and
 * zod loaded from node_modules (how an unbundled Node build, like the original
 * project's, loads them), and `deno run -A mod.ts`.
 */

import { bundleBin, installBuildDependencies } from "./build_npm.ts";
import { DENO_SERVER_COMMAND, startServer } from "../tests/support/mcp.ts";
import { median } from "./bench_support.ts";

const runs = Number(Deno.args[0] ?? 9);
const root = new URL("../", import.meta.url).pathname;

async function timeToToolsList(command: readonly string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const server = await startServer({ CODEX_BIN: "codex" }, command);
    await server.client.listTools();
    times.push(performance.now() - started);
    await server.close();
  }
  return median(times);
}

async function timeToExit(command: readonly string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await new Deno.Command(command[0], {
      args: command.slice(1),
      stdout: "null",
    }).output();
    times.push(performance.now() - started);
  }
  return median(times);
}

const nodeModules = await installBuildDependencies();
const benchDir = `${root}.tools/bench-startup`;
await Deno.mkdir(benchDir, { recursive: true });
const bundled = `${benchDir}/bundled.mjs`;
const external = `${benchDir}/external.mjs`;
await bundleBin(bundled, nodeModules);
await bundleBin(external, nodeModules, { externalPackages: true });
// The external build resolves the SDK from a node_modules beside it.
await Deno.remove(`${benchDir}/node_modules`).catch(() => {});
await Deno.symlink(nodeModules, `${benchDir}/node_modules`);

const rows: [string, number][] = [
  ["node -e 0 (bare Node start)", await timeToExit(["node", "-e", "0"])],
  [
    "npm bin --version (load the bundle, exit)",
    await timeToExit(["node", bundled, "--version"]),
  ],
  [
    "npm bin: spawn → tools/list answered",
    await timeToToolsList(["node", bundled]),
  ],
  [
    "SDK from node_modules --version",
    await timeToExit(["node", external, "--version"]),
  ],
  [
    "SDK from node_modules: spawn → tools/list",
    await timeToToolsList(["node", external]),
  ],
  [
    "deno run -A mod.ts --version",
    await timeToExit([...DENO_SERVER_COMMAND, "--version"]),
  ],
  [
    "deno run -A mod.ts: spawn → tools/list",
    await timeToToolsList(DENO_SERVER_COMMAND),
  ],
];
console.log(`Start-up, median of ${runs} fresh processes (ms):`);
for (const [label, ms] of rows) {
  console.log(`  ${label.padEnd(46)} ${ms.toFixed(0).padStart(5)}`);
}
