/**
 * codex-persistent-mcp: an MCP stdio server whose tools run the local Codex
 * CLI, so every call creates or continues a real Codex session that the user
 * can open later with `codex resume <session_id>`.
 *
 * Run it: `deno run -A jsr:@codex-persistent/mcp` (or `npx -y codex-persistent-mcp`).
 *
 * Use it as a library:
 *
 * @example Serve MCP on stdio
 * ```ts ignore
 * import { createServer, loadConfig } from "jsr:@codex-persistent/mcp";
 * import { StdioServerTransport } from "npm:@modelcontextprotocol/sdk@1.32.2/server/stdio.js";
 * const server = createServer(loadConfig(Deno.env.toObject()));
 * await server.connect(new StdioServerTransport());
 * ```
 *
 * @example Run one Codex turn
 * ```ts ignore
 * import { runCodexTurn } from "jsr:@codex-persistent/mcp";
 * const { sessionId, reply } = await runCodexTurn({
 *   codexBin: "codex",
 *   cwd: "/path/to/repo",
 *   prompt: "What does this repository do?",
 *   timeoutMs: 600_000,
 *   idleTimeoutMs: 300_000,
 * });
 * ```
 *
 * @module
 */

import process from "node:process";
import { main } from "./src/cli.ts";

export { main } from "./src/cli.ts";
export { type Config, loadConfig } from "./src/config.ts";
export { createServer, VERSION } from "./src/server.ts";
export {
  endAllTurns,
  runCodexTurn,
  type TurnRequest,
  type TurnResult,
} from "./src/codex/runner.ts";
export { CodexError, type CodexErrorKind } from "./src/errors.ts";
export { REASONING_EFFORTS, type ReasoningEffort } from "./src/codex/args.ts";
export type { ThreadEvent, ThreadItem, Usage } from "./src/codex/events.ts";

if (import.meta.main) {
  process.exit(await main(Deno.args));
}
