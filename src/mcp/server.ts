/**
 * Builds the MCP server: registers the tools, hands turn calls to the turn
 * service, and shapes what comes back. No Codex logic lives here.
 *
 * @module
 */

import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { McpServer as McpServerType } from "@modelcontextprotocol/sdk/server/mcp";
import type { TurnBackend } from "../codex/backend.ts";
import type { Config } from "../config.ts";
import { SessionStore } from "../store/session_store.ts";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport";
import { LineStdioTransport } from "./stdio_transport.ts";
import { InputRequiredCalls } from "./input_required.ts";
import {
  META_KEYS,
  Protocol2026Transport,
  PROTOCOL_2026,
  TASKS_EXTENSION,
} from "./protocol_2026.ts";
import { ReplacedAnswers } from "./replaced_answers.ts";
import { TaskBoard } from "./tasks.ts";
import { runTurnTool } from "./turn_calls.ts";
import { TurnService } from "../turns/service.ts";
import { VERSION } from "../version.ts";
import type { CallContext } from "./progress.ts";
import { failuresAsResults } from "./results.ts";
import {
  listSessionsTool,
  readSessionTool,
  SESSION_READ_INPUT,
  SESSION_READ_OUTPUT,
  type SessionReadInput,
  SESSIONS_INPUT,
  SESSIONS_OUTPUT,
  type SessionsInput,
} from "./session_tools.ts";
import { type RunTurnTool, TOOL_DEFINITIONS } from "./turn_tools.ts";
import {
  CANCEL_INPUT,
  CANCEL_OUTPUT,
  type CancelInput,
  cancelTool,
  WAIT_INPUT,
  WAIT_OUTPUT,
  type WaitInput,
  waitTool,
} from "./wait_tools.ts";

/** Who the server says it is, in `initialize` and in `server/discover`. */
const SERVER_INFO = { name: "codex-persistent-mcp", version: VERSION };

/** The MCP server and the turns it runs. */
export interface CodexMcpServer {
  /** The MCP server: connect it to a transport to serve. */
  readonly mcp: McpServerType;
  /** The turn service behind the tools. */
  readonly turns: TurnService;
  /** Codex's session store, as the tools may show it. */
  readonly store: SessionStore;
  /**
   * Serves MCP on `transport`, in both protocol eras (`initialize` and
   * 2026-07-28's `server/discover`).
   */
  connect(transport: Transport): Promise<void>;
  /** Ends every Codex process, then the MCP connection (at shutdown). */
  close(): Promise<void>;
}

/** What a server is built with besides its configuration. */
export interface CreateServerOptions {
  /** What runs the turns (default: Codex, as the configuration says). */
  backend?: TurnBackend;
}

/**
 * Creates the MCP server with every tool registered.
 *
 * @example
 * ```ts ignore
 * import { createServer, loadConfig } from "../../mod.ts";
 * import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
 * const server = createServer(loadConfig(Deno.env.toObject()));
 * await server.connect(new StdioServerTransport());
 * // … at shutdown
 * await server.close();
 * ```
 */
export function createServer(
  config: Config,
  options: CreateServerOptions = {},
): CodexMcpServer {
  const mcp = new McpServer(
    SERVER_INFO,
    { capabilities: { logging: {} } },
  );
  // Logs go through MCP (`notifications/message`), never to stdout.
  const log = (level: "info" | "warning", data: string): void => {
    mcp.sendLoggingMessage({ level, logger: "codex-persistent-mcp", data })
      .catch(() => {});
  };
  const turns = new TurnService(config, { log, backend: options.backend });
  const store = new SessionStore(config.codexHome, {
    roots: config.roots,
    cachePath: config.sessionCachePath,
  });
  const tasks = new TaskBoard(turns, config);
  const replaced = new ReplacedAnswers();
  const inputRequired = new InputRequiredCalls(replaced, config);
  if (config.approvals === "ask" && config.backend === "exec") {
    // Said where the user sees it at start: the log has no client yet.
    console.error(
      "codex-persistent-mcp: CODEX_PERSISTENT_MCP_APPROVALS=ask needs the app-server backend; with CODEX_PERSISTENT_MCP_BACKEND=exec Codex cannot ask, so approvals stay off (never).",
    );
  }
  const runTool: RunTurnTool = async (tool, call, context) => {
    const result = await runTurnTool(
      { turns, config, mcp, tasks, inputRequired, replaced },
      tool,
      call,
      context,
    );
    const [first] = result.content;
    // A replaced answer (a task, input_required) is no failure.
    if (
      result.isError && first?.type === "text" &&
      !replaced.has(context.requestId)
    ) log("warning", first.text);
    return result;
  };
  for (const tool of TOOL_DEFINITIONS) tool.register(mcp, runTool);
  mcp.registerTool(
    "codex_sessions",
    {
      title: "List Codex sessions",
      description:
        "List sessions from Codex's own store, newest activity first: session_id, cwd, times, turn count, a preview of the first message, whether it came through MCP, whether a turn is running in this server (and its turn_id). Use it to find a session_id you lost. Filter by cwd (exact) and only_mcp; page with limit and cursor.",
      inputSchema: SESSIONS_INPUT,
      outputSchema: SESSIONS_OUTPUT,
      annotations: { readOnlyHint: true },
    },
    (input: SessionsInput) =>
      failuresAsResults(
        "codex_sessions",
        () => listSessionsTool(store, input, (id) => turns.runningTurnOf(id)),
      ),
  );
  mcp.registerTool(
    "codex_wait",
    {
      title: "Wait for a Codex turn",
      description:
        "Collect the result of a turn that is still running (started with background: true, or handed off as status \"running\"): the turn turn_id names, else the session's newest. Waits up to wait_ms (never past the server's hand-off), then returns the reply (status completed), the turn's error, or status running with how long it has run and its latest progress. With nothing running it returns the session's last reply. Cancelling this call stops only the wait.",
      inputSchema: WAIT_INPUT,
      outputSchema: WAIT_OUTPUT,
      annotations: { readOnlyHint: true },
    },
    (input: WaitInput, context: CallContext) =>
      failuresAsResults(
        "codex_wait",
        () => waitTool(turns, store, config, input, context),
      ),
  );
  mcp.registerTool(
    "codex_cancel",
    {
      title: "Stop a Codex turn",
      description:
        "Stop the running (and any queued) turns of a session, or only the one turn_id names: Codex is interrupted and ended. codex_wait then reports the cancellation; the session itself stays and can be continued.",
      inputSchema: CANCEL_INPUT,
      outputSchema: CANCEL_OUTPUT,
      annotations: { idempotentHint: true },
    },
    (input: CancelInput) =>
      failuresAsResults("codex_cancel", () => cancelTool(turns, store, input)),
  );
  mcp.registerTool(
    "codex_session_read",
    {
      title: "Read a Codex session",
      description:
        "Read the conversation of one Codex session: user and Codex messages in order, the newest turns first page by page (pass next_cursor for older ones). Includes turns typed by hand in `codex resume`.",
      inputSchema: SESSION_READ_INPUT,
      outputSchema: SESSION_READ_OUTPUT,
      annotations: { readOnlyHint: true },
    },
    (input: SessionReadInput) =>
      failuresAsResults(
        "codex_session_read",
        () => readSessionTool(store, config.maxReplyBytes, input),
      ),
  );
  return {
    mcp,
    turns,
    store,
    connect: (transport) =>
      mcp.connect(
        new Protocol2026Transport(transport, {
          discover: () => ({
            supportedVersions: [PROTOCOL_2026],
            capabilities: {
              ...mcp.server.getCapabilities(),
              extensions: { [TASKS_EXTENSION]: {} },
            },
            _meta: {
              [META_KEYS.serverInfo]: SERVER_INFO,
            },
          }),
          answer: (method, params) => tasks.answer(method, params),
          replaced,
        }),
      ),
    async close() {
      // No Codex process may outlive the server.
      await turns.close();
      await mcp.close().catch(() => {});
    },
  };
}

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
 * does), reading requests with {@linkcode LineStdioTransport}.
 *
 * @example
 * ```ts ignore
 * import { loadConfig, serveStdio } from "jsr:@codex-persistent/mcp";
 * const server = await serveStdio(loadConfig(Deno.env.toObject()));
 * // … at shutdown
 * await server.close();
 * ```
 */
export async function serveStdio(
  config: Config,
  options: CreateServerOptions = {},
): Promise<StdioServer> {
  const server = createServer(config, options);
  await server.connect(new LineStdioTransport());
  return { turns: server.turns, store: server.store, close: server.close };
}
