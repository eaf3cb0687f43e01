/**
 * The whole server in this process, without Codex: the shared services and the SDK's stdio entry with a
 * scripted backend, driven by the official MCP client over the SDK's
 * in-memory transport. Everything above the backend is the real code.
 */

import {
  Client,
  type ClientOptions,
  InMemoryTransport,
} from "@modelcontextprotocol/client";
import { loadConfig } from "../../src/config.ts";
import { fixtureTest } from "./fixture_test.ts";
import type { CallToolResult } from "./mcp.ts";
import { createMcpServer } from "../../src/mcp/server.ts";
import { type CodexServices, createServices } from "../../src/mcp/services.ts";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import type { Transport } from "@modelcontextprotocol/server";
import { ScriptedBackend, type TurnScript } from "./scripted_backend.ts";
import type { BackendCapabilities } from "../../src/codex/backend.ts";

/**
 * The services of a server in this process, and how a connection is
 * served from them (as the command line serves stdio).
 */
export interface LocalServer {
  turns: CodexServices["turns"];
  store: CodexServices["store"];
  /** Serves one connection on `transport` until it or the server closes. */
  connect(transport: Transport): Promise<void>;
  /** Ends every Codex process and every connection. */
  close(): Promise<void>;
}

/** A server in this process, its client, and its scratch directories. */
export interface InProcess {
  client: Client;
  server: LocalServer;
  backend: ScriptedBackend;
  /** A project directory inside the server's roots. */
  project: string;
  codexHome: string;
  /** Calls a tool; the raw result. */
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  /** Calls a tool that must succeed; its structured content. */
  answer(
    name: string,
    args: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
  /** Starts a session with codex_chat in the project; its id. */
  newSession(prompt?: string): Promise<string>;
  /** Calls a tool that must fail; its text. */
  failure(name: string, args: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** A server in this process, not yet connected to any client. */
export interface ServerInProcess {
  server: LocalServer;
  backend: ScriptedBackend;
  /** A project directory inside the server's roots. */
  project: string;
  codexHome: string;
  /** Closes the server and removes its scratch directories. */
  close(): Promise<void>;
}

/** Builds a server on `script` with these extra settings. */
export async function serverInProcess(
  script: TurnScript,
  env: Record<string, string> = {},
  capabilities?: BackendCapabilities,
): Promise<ServerInProcess> {
  const root = await Deno.realPath(
    await Deno.makeTempDir({ prefix: "cpm-unit-" }),
  );
  const project = `${root}/work/project`;
  const codexHome = `${root}/home/.codex`;
  await Deno.mkdir(project, { recursive: true });
  await Deno.mkdir(codexHome, { recursive: true });
  const config = loadConfig({
    HOME: `${root}/home`,
    CODEX_HOME: codexHome,
    CODEX_BIN: "/nonexistent/codex",
    CODEX_PERSISTENT_MCP_ROOTS: `${root}/work`,
    CODEX_PERSISTENT_MCP_CACHE_DIR: `${root}/cache`,
    CODEX_PERSISTENT_MCP_HEARTBEAT_MS: "1000",
    ...env,
  }, `${root}/work`);
  const backend = new ScriptedBackend(codexHome, script, capabilities);
  const services = createServices(config, { backend });
  const connections: { close(): Promise<void> }[] = [];
  const server: LocalServer = {
    turns: services.turns,
    store: services.store,
    connect(transport) {
      connections.push(
        serveStdio(() => createMcpServer(services), { transport }),
      );
      return Promise.resolve();
    },
    async close() {
      await services.close();
      for (const connection of connections) {
        await connection.close().catch(() => {});
      }
    },
  };
  return {
    server,
    backend,
    project,
    codexHome,
    async close() {
      await server.close();
      await Deno.remove(root, { recursive: true });
    },
  };
}

/** Starts a server on `script` with these extra settings. */
export async function startInProcess(
  script: TurnScript,
  env: Record<string, string> = {},
  capabilities?: BackendCapabilities,
  clientOptions: ClientOptions = {},
): Promise<InProcess> {
  const built = await serverInProcess(script, env, capabilities);
  const { server, backend, project, codexHome } = built;
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({
    name: "unit-test",
    version: "1.0.0",
  }, clientOptions);
  await client.connect(clientSide);
  const call = async (name: string, args: Record<string, unknown>) =>
    await client.callTool({ name, arguments: args }) as CallToolResult;
  const text = (result: CallToolResult): string =>
    result.content.map((part) => part.type === "text" ? part.text : "")
      .join("\n");
  return {
    client,
    server,
    backend,
    project,
    codexHome,
    call,
    async answer(name, args) {
      const result = await call(name, args);
      if (result.isError) {
        throw new Error(`${name} failed: ${text(result)}`);
      }
      return result.structuredContent ?? {};
    },
    async newSession(prompt = "start") {
      const result = await call("codex_chat", { cwd: project, prompt });
      if (result.isError) throw new Error(`no session: ${text(result)}`);
      return String(result.structuredContent?.session_id);
    },
    async failure(name, args) {
      const result = await call(name, args);
      if (!result.isError) {
        throw new Error(`${name} succeeded: ${JSON.stringify(result)}`);
      }
      return text(result);
    },
    async close() {
      await client.close();
      await built.close();
    },
  };
}

/** Runs `body` on a fresh in-process server, closed after. */
export const inProcessTest = (
  name: string,
  script: TurnScript,
  body: (s: InProcess) => Promise<void>,
  env: Record<string, string> = {},
): void =>
  fixtureTest(
    `[in process] ${name}`,
    {},
    () => startInProcess(script, env),
    body,
  );
