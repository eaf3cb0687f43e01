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
 * import { createServer, LineStdioTransport, loadConfig } from "jsr:@codex-persistent/mcp";
 * const server = createServer(loadConfig(Deno.env.toObject()));
 * await server.mcp.connect(new LineStdioTransport());
 * ```
 *
 * @example Run Codex turns
 * ```ts ignore
 * import { loadConfig, TurnService } from "jsr:@codex-persistent/mcp";
 * const turns = new TurnService(loadConfig(Deno.env.toObject()));
 * const turn = turns.start({ tool: "my_script", prompt: "What does this repository do?", cwd: "/path/to/repo" });
 * const { sessionId, reply } = await turn.result;
 * await turns.close();
 * ```
 *
 * @module
 */

import process from "node:process";
import { main } from "./src/cli.ts";

export { main } from "./src/cli.ts";
export { type Config, loadConfig } from "./src/config.ts";
export { type CodexMcpServer, createServer } from "./src/mcp/server.ts";
export { VERSION } from "./src/version.ts";
export {
  LineStdioTransport,
  MAX_MESSAGE_BYTES,
} from "./src/mcp/stdio_transport.ts";
export {
  type TurnCall,
  type TurnLog,
  TurnService,
} from "./src/turns/service.ts";
export { RunningTurn, type TurnOutcome } from "./src/turns/running_turn.ts";
export { runCodexTurn } from "./src/codex/runner.ts";
export type { TurnRequest } from "./src/codex/turn_request.ts";
export type { TurnResult } from "./src/codex/verdict.ts";
export { CodexError, type CodexErrorKind } from "./src/errors.ts";
export {
  type CodexPolicy,
  REASONING_EFFORTS,
  type ReasoningEffort,
  SANDBOX_MODES,
  type SandboxMode,
} from "./src/codex/args.ts";
export type { ThreadEvent, ThreadItem, Usage } from "./src/codex/events.ts";

if (import.meta.main) {
  process.exit(await main(Deno.args));
}
