/**
 * MCP on this process's stdin and stdout: the SDK's stdio entry over the
 * process's services, reading lines with our own transport (the SDK's ends
 * the connection on one oversized message; ours answers it and goes on).
 *
 * @module
 */

import { serveStdio as sdkServeStdio } from "@modelcontextprotocol/server/stdio";
import type { Config } from "../config.ts";
import type { SessionStore } from "../store/session_store.ts";
import type { TurnService } from "../turns/service.ts";
import { createMcpServer } from "./server.ts";
import { createServices, type ServicesOptions } from "./services.ts";
import { LineStdioTransport } from "./wire/line_stdio_transport.ts";

/** A server serving MCP on stdin and stdout. */
export interface StdioServer {
  /** The turn service behind the tools. */
  readonly turns: TurnService;
  /** Codex's session store, as the tools may show it. */
  readonly store: SessionStore;
  /** Ends every Codex process, then the MCP connection. */
  close(): Promise<void>;
}

/**
 * Serves MCP on this process's stdin and stdout (what the command line
 * does), in both protocol eras.
 *
 * @example
 * ```ts ignore
 * import { loadConfig, serveStdio } from "jsr:@codex-persistent/mcp";
 * const server = serveStdio(loadConfig(Deno.env.toObject()));
 * // … at shutdown
 * await server.close();
 * ```
 */
export function serveStdio(
  config: Config,
  options: ServicesOptions = {},
): StdioServer {
  const services = createServices(config, options);
  const connection = sdkServeStdio(() => createMcpServer(services), {
    transport: new LineStdioTransport(),
  });
  return {
    turns: services.turns,
    store: services.store,
    async close() {
      // No Codex process may outlive the server.
      await services.close();
      await connection.close().catch(() => {});
    },
  };
}
