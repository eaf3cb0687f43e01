/**
 * The command line: start the stdio server, or print help or the version.
 *
 * @module
 */

import process from "node:process";
import { loadConfig } from "./config.ts";
import { createServer } from "./mcp/server.ts";
import { LineStdioTransport } from "./mcp/stdio_transport.ts";
import { VERSION } from "./version.ts";

const USAGE = `codex-persistent-mcp ${VERSION}
An MCP stdio server whose tools run your local Codex CLI, so every call
creates or continues a real Codex session (open it later: codex resume <id>).

Usage: codex-persistent-mcp [--help | --version]
  With no arguments it serves MCP on stdin/stdout; configure it in your MCP
  client rather than running it by hand.

Environment:
  CODEX_BIN                              codex executable (default: codex on PATH)
  CODEX_HOME                             Codex's home and session store (default: ~/.codex)
  CODEX_PERSISTENT_MCP_ORIGIN            origin written into every prompt (default: codex-persistent-mcp)
  CODEX_PERSISTENT_MCP_TIMEOUT_MS        default timeout_ms of a call (default: 1800000)
  CODEX_PERSISTENT_MCP_IDLE_TIMEOUT_MS   stop Codex after this long without an event (default: 300000)
  CODEX_PERSISTENT_MCP_HEARTBEAT_MS      progress heartbeat while Codex is silent (default: 10000)
  CODEX_PERSISTENT_MCP_MAX_CONCURRENT    Codex processes at once (default: 4)
  CODEX_PERSISTENT_MCP_MAX_REPLY_BYTES   larger replies are cut (default: 4000000)
  CODEX_PERSISTENT_MCP_BACKEND           app-server or exec (default: app-server)
  CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS  app-server: release a session this long after its last call (default: 30000)
  CODEX_PERSISTENT_MCP_APP_SERVER_MAX_WARM app-server: at most this many warm sessions (default: 4)
  CODEX_PERSISTENT_MCP_CACHE_DIR         cache of codex_sessions (default: ~/.cache/codex-persistent-mcp)
  CODEX_PERSISTENT_MCP_MAX_SANDBOX       the most a call's sandbox may ask for or get (default: workspace-write)
  CODEX_PERSISTENT_MCP_ROOTS             ':'-separated directories a call's cwd must lie in (default: the start directory)
  CODEX_PERSISTENT_MCP_SHELL_ENV_ALLOW   secret-looking variables Codex's shell may still see (default: none)
  CODEX_PERSISTENT_MCP_PROJECT_CONFIG    on: load trusted projects' .codex/ configs (default: off)
  CODEX_PERSISTENT_MCP_MAX_QUEUED_PER_SESSION  turns waiting or running per session (default: 8)
  CODEX_PERSISTENT_MCP_MAX_QUEUED        turns waiting or running in all (default: 64)
  CODEX_PERSISTENT_MCP_HANDOFF_MS        a turn call still running after this long returns "running" (default: unset)
  CODEX_PERSISTENT_MCP_RESULT_RETENTION_MS  keep uncollected results this long (default: 3600000)
  CODEX_PERSISTENT_MCP_MAX_RETAINED_RESULTS keep at most this many uncollected results (default: 64)
`;

/**
 * Runs the command line with `args` (without the program name). Resolves
 * with the exit code for `--help`, `--version` and bad usage; while serving
 * it resolves only when the server shuts down.
 *
 * @example
 * ```ts ignore
 * import { main } from "./cli.ts";
 * Deno.exitCode = await main(Deno.args);
 * ```
 */
export async function main(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  if (args.includes("--version") || args.includes("-V")) {
    console.log(VERSION);
    return 0;
  }
  if (args.length > 0) {
    console.error(`Unknown argument: ${args[0]}\n\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    console.error(`codex-persistent-mcp: ${(error as Error).message}`);
    return 2;
  }
  const server = createServer(config);
  await server.mcp.connect(new LineStdioTransport());
  return await new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = async (): Promise<void> => {
      if (stopping) return;
      stopping = true;
      await server.close();
      resolve(0);
    };
    process.stdin.on("end", shutdown);
    process.stdin.on("close", shutdown);
    process.on("SIGINT", shutdown);
    process.on("SIGTERM", shutdown);
  });
}
