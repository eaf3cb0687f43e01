/**
 * MCP over Streamable HTTP at `/mcp`: the SDK's handler (both eras, one
 * fresh server instance per request) over the process's services, so every
 * client shares one turn service, store and task board; behind the guard
 * (Host, Origin, path, bearer token, requests in flight).
 *
 * @module
 */

import { createMcpHandler } from "@modelcontextprotocol/server";
import process from "node:process";
import type { Config } from "../config.ts";
import type { SessionStore } from "../store/session_store.ts";
import type { TurnService } from "../turns/service.ts";
import { listenHttp } from "../runtime/http_listener.deno.ts";
import { bearerToken } from "./http/bearer_token.ts";
import { httpGuard, MCP_PATH } from "./http/http_guard.ts";
import { LegacyHttpCalls } from "./http/legacy_calls.ts";
import type { HttpOptions } from "./http/http_options.ts";
import { createMcpServer } from "./server.ts";
import { createServices, type ServicesOptions } from "./services.ts";
import {
  MAX_MESSAGE_BYTES,
  MAX_REQUESTS_IN_FLIGHT,
} from "./wire/line_stdio_transport.ts";

/** A server serving MCP over HTTP. */
export interface HttpServer {
  /** The turn service every request shares. */
  readonly turns: TurnService;
  /** Codex's session store, as the tools may show it. */
  readonly store: SessionStore;
  /** Where MCP is served (`http://host:port/mcp`). */
  readonly url: string;
  /** Ends every Codex process and every connection. */
  close(): Promise<void>;
}

/**
 * Serves MCP over HTTP as `options` say, and writes one line to stderr
 * naming the URL and where the token is (never the token itself).
 *
 * @example
 * ```ts ignore
 * const server = await serveHttp(config, httpOptions("8765", process.env, config.configDir));
 * // … at shutdown
 * await server.close();
 * ```
 */
export async function serveHttp(
  config: Config,
  options: HttpOptions,
  servicesOptions: ServicesOptions = {},
): Promise<HttpServer> {
  const { token, source } = await bearerToken(options);
  const services = createServices(config, servicesOptions);
  const log = (line: string): void => {
    if (options.logRequests) process.stderr.write(`${line}\n`);
  };
  const legacyCalls = new LegacyHttpCalls();
  const handler = createMcpHandler(
    () => createMcpServer(services, { connection: "http", legacyCalls }),
    {
      maxRequestBodySize: MAX_MESSAGE_BYTES,
      onerror: (error) => log(`codex-persistent-mcp: ${error.message}`),
    },
  );
  const guarded = httpGuard(
    {
      token,
      allowedHosts: options.allowedHosts,
      maxInFlight: MAX_REQUESTS_IN_FLIGHT,
    },
    (request, authInfo) => handler.fetch(request, { authInfo }),
  );
  const listener = await listenHttp(
    { hostname: options.hostname, port: options.port },
    async (request) => {
      const started = Date.now();
      const response = await guarded(request).catch((error: Error) =>
        Response.json({
          jsonrpc: "2.0",
          error: { code: -32603, message: error.message },
          id: null,
        }, { status: 500 })
      );
      log(
        `codex-persistent-mcp: ${request.method} ${
          new URL(request.url).pathname
        } ${response.status} ${Date.now() - started} ms`,
      );
      return response;
    },
  );
  const host = options.hostname.includes(":")
    ? `[${options.hostname}]`
    : options.hostname;
  const url = `http://${host}:${listener.port}${MCP_PATH}`;
  console.error(
    `codex-persistent-mcp: serving MCP at ${url}; clients send "Authorization: Bearer <token>" with the token from ${source}.`,
  );
  return {
    turns: services.turns,
    store: services.store,
    url,
    async close() {
      // No Codex process may outlive the server.
      await services.close();
      await handler.close().catch(() => {});
      await listener.close();
    },
  };
}
