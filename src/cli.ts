/**
 * The command line: start the stdio server, or print help or the version.
 *
 * @module
 */

import process from "node:process";
import { loadConfig } from "./config.ts";
import { checkRoots } from "./turns/workspace_roots.ts";
import { serveStdio } from "./mcp/stdio.ts";
import { settingsHelp } from "./settings.ts";
import { VERSION } from "./version.ts";

const USAGE = `codex-persistent-mcp ${VERSION}
An MCP stdio server whose tools run your local Codex CLI, so every call
creates or continues a real Codex session (open it later: codex resume <id>).

Usage: codex-persistent-mcp [--help | --version]
  With no arguments it serves MCP on stdin/stdout; configure it in your MCP
  client rather than running it by hand.

Environment:
${settingsHelp()}
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
    await checkRoots(config.roots);
  } catch (error) {
    console.error(`codex-persistent-mcp: ${(error as Error).message}`);
    return 2;
  }
  const server = serveStdio(config);
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

/**
 * Runs the command line and exits the process with its status (the entry
 * of `deno run mod.ts` and of the npm bin).
 *
 * @example
 * ```ts ignore
 * await runCli(["--help"]);
 * ```
 */
export async function runCli(args: string[]): Promise<never> {
  process.exit(await main(args));
}
