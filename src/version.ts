/**
 * The package version, from deno.json (one source for the CLI, the MCP
 * handshake and the app-server's client info).
 *
 * @module
 */

import denoJson from "../deno.json" with { type: "json" };

/** The package version, from deno.json. */
export const VERSION: string = denoJson.version;
