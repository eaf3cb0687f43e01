/**
 * Drives the server the way an MCP client does: the official SDK client over
 * stdio, with the server started as `deno run -A mod.ts`.
 */

import {
  type CallToolResult as SdkCallToolResult,
  Client,
  type ClientOptions,
} from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { MOD_TS, SCRATCH_ROOT } from "./codex.ts";

/** A tool result whose structured content tests read field by field. */
export type CallToolResult = SdkCallToolResult & {
  structuredContent?: Record<string, unknown>;
};

/** A connected client and the server process behind it. */
export interface ServerUnderTest {
  client: Client;
  transport: StdioClientTransport;
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
): StdioClientTransport {
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
  client: Client,
  name: string,
  args: Record<string, unknown>,
  options: Parameters<Client["callTool"]>[1] = {},
): Promise<CallToolResult> {
  return await client.callTool(
    { name, arguments: args },
    options,
  ) as CallToolResult;
}

/** Collects what the server logs through MCP (`notifications/message`). */
export function collectLogs(client: Client): string[] {
  const logs: string[] = [];
  client.setNotificationHandler("notifications/message", (notification) => {
    logs.push(String(notification.params.data));
  });
  return logs;
}
