/**
 * How the HTTP server listens and whom it serves, from `--http
 * [HOST:]PORT` and the environment. Pure: every check happens here, before
 * anything listens.
 *
 * @module
 */

/** The HTTP server's settings. */
export interface HttpOptions {
  /** The address it binds (default 127.0.0.1). */
  hostname: string;
  /** The port (0: a free one the system picks). */
  port: number;
  /** Whether the bind is loopback only. */
  loopback: boolean;
  /** `Host` (and browser `Origin`) names it serves, without ports. */
  allowedHosts: string[];
  /** Where the bearer token is kept when the environment gives none. */
  tokenPath: string;
  /** The token the environment gives (`CODEX_PERSISTENT_MCP_TOKEN`). */
  token?: string;
  /** One stderr line per request (`CODEX_PERSISTENT_MCP_LOG=debug`). */
  logRequests: boolean;
}

/** The fewest characters a token may have. */
export const MIN_TOKEN_LENGTH = 32;

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/** Whether `hostname` (an address or a name) is this machine only. */
function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" ||
    hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Reads `--http`'s value and the HTTP settings (the token is kept in
 * `configDir`); throws an Error whose message says what to change.
 *
 * @example
 * ```ts
 * import { httpOptions } from "./http_options.ts";
 * const options = httpOptions("8765", {}, "/home/me/.config/codex-persistent-mcp");
 * options.hostname; // "127.0.0.1"
 * options.tokenPath; // "/home/me/.config/codex-persistent-mcp/token"
 * ```
 */
export function httpOptions(
  listen: string,
  env: Record<string, string | undefined>,
  configDir: string,
): HttpOptions {
  const match = listen.trim().match(/^(?:(\[[0-9a-fA-F:]+\]|[^:]+):)?(\d+)$/);
  const port = Number(match?.[2]);
  if (match === null || !Number.isInteger(port) || port > 65535) {
    throw new Error(
      `--http ${listen} is not valid: give a port (8765) or a host and a port (127.0.0.1:8765, [::1]:8765).`,
    );
  }
  const hostname = (match[1] ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1");
  const loopback = isLoopback(hostname);
  const listed = (env.CODEX_PERSISTENT_MCP_HTTP_HOSTS ?? "").split(",")
    .map((name) => name.trim().toLowerCase()).filter((name) => name !== "");
  if (!loopback && listed.length === 0) {
    throw new Error(
      `--http ${listen} listens beyond this machine: set CODEX_PERSISTENT_MCP_HTTP_HOSTS to the host names clients use to reach it (comma-separated), so that no other name (DNS rebinding) is served.`,
    );
  }
  const token = env.CODEX_PERSISTENT_MCP_TOKEN?.trim() || undefined;
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new Error(
      `CODEX_PERSISTENT_MCP_TOKEN has ${token.length} characters: use at least ${MIN_TOKEN_LENGTH} random ones, or unset it and the server makes one.`,
    );
  }
  const log = env.CODEX_PERSISTENT_MCP_LOG?.trim() || "info";
  if (log !== "info" && log !== "debug") {
    throw new Error(
      `CODEX_PERSISTENT_MCP_LOG=${log} is not valid: use info or debug (default info).`,
    );
  }
  return {
    hostname,
    port,
    loopback,
    allowedHosts: [
      ...new Set([...(loopback ? LOOPBACK_NAMES : []), ...listed]),
    ],
    tokenPath: `${configDir}/token`,
    token,
    logRequests: log === "debug",
  };
}
