/**
 * The command line: start the stdio server, or print help or the version.
 *
 * @module
 */

import process from "node:process";
import { loadConfig } from "./config.ts";
import { checkRoots } from "./turns/workspace_roots.ts";
import { serveHttp } from "./mcp/http.ts";
import { httpOptions } from "./mcp/http/http_options.ts";
import { serveStdio } from "./mcp/stdio.ts";
import { settingsHelp } from "./settings.ts";
import { VERSION } from "./version.ts";

const USAGE = `codex-persistent-mcp ${VERSION}
An MCP server whose tools run your local Codex CLI, so every call
creates or continues a real Codex session (open it later: codex resume <id>).

Usage: codex-persistent-mcp [--help | --version | --http [HOST:]PORT]
  With no arguments it serves MCP on stdin/stdout; configure it in your MCP
  client rather than running it by hand.
  --http [HOST:]PORT  serve MCP over Streamable HTTP at http://HOST:PORT/mcp
                      instead, to every client at once (HOST default
                      127.0.0.1); each request needs the bearer token.

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
  const [first, value, ...rest] = args;
  const listen = first?.startsWith("--http=")
    ? first.slice("--http=".length)
    : first === "--http"
    ? value
    : undefined;
  const extra = first === "--http" ? rest : args.slice(1);
  if (
    (first !== undefined && listen === undefined) || listen === "" ||
    extra.length > 0
  ) {
    const problem = listen === undefined && first !== "--http"
      ? `Unknown argument: ${first}`
      : extra.length > 0
      ? `Unknown argument: ${extra[0]}`
      : "--http needs [HOST:]PORT";
    console.error(`${problem}\n\n${USAGE}`);
    return 2;
  }
  let server: { close(): Promise<void> };
  try {
    const config = loadConfig(process.env);
    await checkRoots(config.roots);
    server = listen === undefined ? serveStdio(config) : await serveHttp(
      config,
      httpOptions(listen, process.env, config.configDir),
    );
  } catch (error) {
    console.error(`codex-persistent-mcp: ${(error as Error).message}`);
    return 2;
  }
  return await new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = async (): Promise<void> => {
      if (stopping) return;
      stopping = true;
      await server.close();
      resolve(0);
    };
    // Over stdio the client closing stdin ends the server; over HTTP only
    // a signal does.
    if (listen === undefined) {
      process.stdin.on("end", shutdown);
      process.stdin.on("close", shutdown);
    }
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
