/**
 * Drives the server the way an MCP client does: the official SDK client over
 * stdio, with the server started as `deno run -A mod.ts`.
 */

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type {
  Client as ClientType,
  ClientOptions,
} from "@modelcontextprotocol/sdk/client/index";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { StdioClientTransport as StdioClientTransportType } from "@modelcontextprotocol/sdk/client/stdio";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types";
import { MOD_TS, SCRATCH_ROOT } from "./codex.ts";

/** A connected client and the server process behind it. */
export interface ServerUnderTest {
  client: ClientType;
  transport: StdioClientTransportType;
  /** What the server wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

/** How to start the server by default: `deno run -A mod.ts`. */
export const DENO_SERVER_COMMAND: readonly string[] = [
  Deno.execPath(),
  "run",
  "-A",
  MOD_TS,
];

/** A stdio transport that starts the server as `command` with `env`. */
export function serverTransport(
  env: Record<string, string>,
  command: readonly string[] = DENO_SERVER_COMMAND,
): StdioClientTransportType {
  return new StdioClientTransport({
    command: command[0],
    args: command.slice(1),
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "",
      DENO_DIR: Deno.env.get("DENO_DIR") ?? "",
      CODEX_PERSISTENT_MCP_ROOTS: SCRATCH_ROOT,
      ...env,
    },
    stderr: "pipe",
  });
}

/** Starts the server with this environment and connects a client. */
export async function startServer(
  env: Record<string, string>,
  command: readonly string[] = DENO_SERVER_COMMAND,
  clientOptions: ClientOptions = {},
): Promise<ServerUnderTest> {
  const transport = serverTransport(env, command);
  let stderr = "";
  transport.stderr?.on("data", (chunk: Uint8Array) => {
    stderr += new TextDecoder().decode(chunk);
  });
  const client = new Client({
    name: "codex-persistent-mcp-tests",
    version: "0",
  }, clientOptions);
  await client.connect(transport);
  return {
    client,
    transport,
    stderr: () => stderr,
    close: () => client.close(),
  };
}

/** The text of a tool result. */
export function resultText(result: CallToolResult): string {
  return result.content
    .map((part) => (part.type === "text" ? part.text : ""))
    .join("");
}

/** Calls a tool and returns the result typed. */
export async function callTool(
  client: ClientType,
  name: string,
  args: Record<string, unknown>,
  options: Parameters<ClientType["callTool"]>[2] = {},
): Promise<CallToolResult> {
  return await client.callTool(
    { name, arguments: args },
    undefined,
    options,
  ) as CallToolResult;
}

/** Collects what the server logs through MCP (`notifications/message`). */
export function collectLogs(client: ClientType): string[] {
  const logs: string[] = [];
  client.setNotificationHandler(
    LoggingMessageNotificationSchema,
    (notification: { params: { data: unknown } }) => {
      logs.push(String(notification.params.data));
    },
  );
  return logs;
}
