/**
 * Builds the MCP server: one handler per tool that validates the call, finds
 * the session's directory, queues the call behind earlier ones on the same
 * session, runs the Codex turn and shapes the result.
 *
 * @module
 */

import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { McpServer as McpServerType } from "@modelcontextprotocol/sdk/server/mcp";
import type {
  CallToolResult,
  ServerNotification,
} from "@modelcontextprotocol/sdk/types";
import {
  AppServerBackend,
  AppServerUnavailableError,
} from "./codex/app_server_backend.ts";
import {
  runCodexTurn,
  type TurnRequest,
  type TurnResult,
} from "./codex/runner.ts";
import { SessionIndex } from "./codex/session_index.ts";
import { findRolloutFile, readSessionMeta } from "./codex/store.ts";
import { describeEvent } from "./codex/turn.ts";
import type { Config } from "./config.ts";
import { CodexError, unknownSession } from "./errors.ts";
import { Limiter } from "./limiter.ts";
import { pathInfo } from "./runtime/fs.deno.ts";
import { SessionQueue } from "./session_queue.ts";
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
import { capText } from "./text_cap.ts";
import {
  type CommonInput,
  TOOL_DEFINITIONS,
  type ToolDefinition,
} from "./tools.ts";
import denoJson from "../deno.json" with { type: "json" };

/** The package version, from deno.json. */
export const VERSION: string = denoJson.version;

/** What a tool handler gets from the SDK besides its arguments. */
interface CallContext {
  signal: AbortSignal;
  _meta?: { progressToken?: string | number };
  sendNotification: (notification: ServerNotification) => Promise<void>;
}

/**
 * Creates the MCP server with every tool registered. Connect it to a
 * transport to serve (see `main` in cli.ts).
 *
 * @example
 * ```ts ignore
 * import { createServer, loadConfig } from "../mod.ts";
 * import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
 * const server = createServer(loadConfig(Deno.env.toObject()));
 * await server.connect(new StdioServerTransport());
 * ```
 */
export function createServer(config: Config): McpServerType {
  const server = new McpServer(
    { name: "codex-persistent-mcp", version: VERSION },
    { capabilities: { logging: {} } },
  );
  const calls: CallDeps = {
    config,
    appServer: config.backend === "app-server"
      ? new AppServerBackend({
        codexBin: config.codexBin,
        codexHome: config.codexHome,
        clientName: APP_SERVER_CLIENT_NAME,
        clientVersion: VERSION,
        idleReleaseMs: config.appServerIdleMs,
        maxWarm: config.appServerMaxWarm,
        requestTimeoutMs: APP_SERVER_REQUEST_TIMEOUT_MS,
      })
      : undefined,
    sessions: new SessionQueue(),
    limiter: new Limiter(config.maxConcurrent),
    log: (level, data) => {
      server.sendLoggingMessage({ level, logger: "codex-persistent-mcp", data })
        .catch(() => {});
    },
  };
  for (const tool of TOOL_DEFINITIONS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputShape,
        outputSchema: tool.outputShape,
      },
      (input: Record<string, unknown>, context: CallContext) =>
        callTool(calls, tool, input, context),
    );
  }
  const index = new SessionIndex(config.codexHome, config.sessionCachePath);
  server.registerTool(
    "codex_sessions",
    {
      title: "List Codex sessions",
      description:
        "List sessions from Codex's own store, newest activity first: session_id, cwd, times, turn count, a preview of the first message, whether it came through MCP. Use it to find a session_id you lost. Filter by cwd (exact) and only_mcp; page with limit and cursor.",
      inputSchema: SESSIONS_INPUT,
      outputSchema: SESSIONS_OUTPUT,
    },
    (input: SessionsInput) =>
      failuresAsResults("codex_sessions", () => listSessionsTool(index, input)),
  );
  server.registerTool(
    "codex_session_read",
    {
      title: "Read a Codex session",
      description:
        "Read the conversation of one Codex session: user and Codex messages in order, the newest turns first page by page (pass next_cursor for older ones). Includes turns typed by hand in `codex resume`.",
      inputSchema: SESSION_READ_INPUT,
      outputSchema: SESSION_READ_OUTPUT,
    },
    (input: SessionReadInput) =>
      failuresAsResults(
        "codex_session_read",
        () => readSessionTool(config.codexHome, config.maxReplyBytes, input),
      ),
  );
  return server;
}

async function failuresAsResults(
  toolName: string,
  run: () => Promise<CallToolResult>,
): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    return errorResult(toolName, error);
  }
}

/**
 * The `clientInfo.name` given to `codex app-server`: Codex records it as the
 * `originator` of sessions started through the app-server backend.
 */
export const APP_SERVER_CLIENT_NAME = "codex-persistent-mcp";
/** How long any single app-server request may go unanswered. */
const APP_SERVER_REQUEST_TIMEOUT_MS = 30_000;

/** What every call shares. */
interface CallDeps {
  config: Config;
  /** The warm backend (absent with CODEX_PERSISTENT_MCP_BACKEND=exec). */
  appServer?: AppServerBackend;
  sessions: SessionQueue;
  limiter: Limiter;
  /** Logs through MCP (`notifications/message`), never to stdout. */
  log: (level: "info" | "warning", data: string) => void;
}

async function callTool(
  { config, sessions, limiter, log, appServer }: CallDeps,
  tool: ToolDefinition,
  input: Record<string, unknown>,
  context: CallContext,
): Promise<CallToolResult> {
  const common = input as CommonInput;
  const started = Date.now();
  const sessionLabel = common.session_id ?? "(new session)";
  const progress = progressReporter(context, config.heartbeatMs);
  const runTurn = async (): Promise<TurnResult> => {
    const cwd = await resolveSessionCwd(config, common);
    if (limiter.full) {
      progress.report(
        `Queued: ${limiter.running} Codex processes already running (CODEX_PERSISTENT_MCP_MAX_CONCURRENT=${config.maxConcurrent})`,
      );
    }
    return await limiter.run(async () => {
      progress.report("Starting Codex");
      log("info", `${tool.name}: running Codex in ${cwd} for ${sessionLabel}`);
      const request: TurnRequest = {
        codexBin: config.codexBin,
        cwd,
        prompt: tool.buildPrompt(input),
        origin: { origin: config.origin, tool: tool.name },
        sessionId: common.session_id,
        model: common.model,
        reasoningEffort: common.reasoning_effort,
        timeoutMs: common.timeout_ms ?? config.defaultTimeoutMs,
        idleTimeoutMs: config.idleTimeoutMs,
        signal: context.signal,
        onEvent: (event) => {
          const message = describeEvent(event);
          if (message === undefined) return;
          progress.report(message);
          if (event.type === "error") {
            log("warning", `${tool.name}: ${message}`);
          }
        },
      };
      if (appServer !== undefined) {
        try {
          return await appServer.runTurn(request);
        } catch (error) {
          if (!(error instanceof AppServerUnavailableError)) throw error;
          // A call never fails because of the backend choice.
          log(
            "warning",
            `${tool.name}: ${error.message}; running this call with codex exec instead`,
          );
        }
      }
      return await runCodexTurn(request);
    });
  };
  try {
    const sessionId = common.session_id;
    let result: TurnResult;
    if (sessionId === undefined) {
      result = await runTurn();
    } else {
      // Queued on arrival, before any await, so calls keep their order.
      if (sessions.busy(sessionId)) {
        progress.report(
          `Queued behind an earlier call on session ${sessionId}`,
        );
      }
      result = await sessions.run(sessionId, runTurn);
    }
    log(
      "info",
      `${tool.name}: session ${result.sessionId} answered in ${
        Date.now() - started
      } ms`,
    );
    return successResult(tool, result, config.maxReplyBytes);
  } catch (error) {
    const failure = errorResult(tool.name, error);
    log("warning", (failure.content[0] as { text: string }).text);
    return failure;
  } finally {
    progress.stop();
  }
}

/**
 * The directory a call runs in: the explicit `cwd`, else (on resume) the one
 * recorded in the session's rollout file. Fails before Codex runs for a
 * missing directory or a session the store does not hold.
 */
async function resolveSessionCwd(
  config: Config,
  input: CommonInput,
): Promise<string> {
  if (input.session_id !== undefined) {
    const rollout = await findRolloutFile(config.codexHome, input.session_id);
    if (rollout === undefined) {
      throw unknownSession(
        config.codexHome,
        input.session_id,
        "Check the id (it is returned by every call), or omit session_id to start a new session. If the session was made with another Codex home, set CODEX_HOME for this server.",
      );
    }
    if (input.cwd !== undefined) return await checkDirectory(input.cwd);
    const recorded = (await readSessionMeta(rollout))?.cwd;
    if (recorded === undefined) {
      throw new CodexError(
        "bad_input",
        `Session ${input.session_id} does not record its working directory (${rollout}).`,
        { sessionId: input.session_id, hint: "Pass cwd explicitly." },
      );
    }
    return await checkDirectory(recorded, input.session_id);
  }
  if (input.cwd === undefined) {
    throw new CodexError(
      "bad_input",
      "cwd is required to start a new session.",
      {
        hint:
          "Pass cwd as the absolute path of the project root, or pass session_id to continue an existing session.",
      },
    );
  }
  return await checkDirectory(input.cwd);
}

async function checkDirectory(
  path: string,
  sessionId?: string,
): Promise<string> {
  const fail = (problem: string): never => {
    throw new CodexError(
      "bad_input",
      `cwd ${JSON.stringify(path)} ${problem}.`,
      {
        sessionId,
        hint: sessionId === undefined
          ? "Pass the absolute path of an existing project directory."
          : "The session's recorded directory is gone: pass cwd explicitly to continue it elsewhere.",
      },
    );
  };
  if (!path.startsWith("/")) fail("is not an absolute path");
  const info = await pathInfo(path);
  if (info === undefined) fail("does not exist");
  else if (!info.isDirectory) fail("is not a directory");
  return path;
}

function successResult(
  tool: ToolDefinition,
  result: TurnResult,
  maxReplyBytes: number,
): CallToolResult {
  const reply = capText(result.reply, maxReplyBytes, result.sessionId);
  const structured: Record<string, unknown> = {
    session_id: result.sessionId,
    [tool.replyField]: reply,
  };
  if (result.usage !== undefined) structured.usage = pickUsage(result.usage);
  return {
    content: [{
      type: "text",
      text: `${reply}\n\n${sessionFooter(result.sessionId)}`,
    }],
    structuredContent: structured,
  };
}

function sessionFooter(sessionId: string): string {
  return `session_id: ${sessionId}\n(Pass this session_id to continue the conversation; a human can open it with: codex resume ${sessionId})`;
}

function pickUsage(
  usage: NonNullable<TurnResult["usage"]>,
): Record<string, number> {
  const picked: Record<string, number> = {};
  for (
    const key of [
      "input_tokens",
      "cached_input_tokens",
      "cache_write_input_tokens",
      "output_tokens",
      "reasoning_output_tokens",
    ] as const
  ) {
    if (typeof usage[key] === "number") picked[key] = usage[key];
  }
  return picked;
}

function errorResult(toolName: string, error: unknown): CallToolResult {
  if (!(error instanceof CodexError)) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      isError: true,
      content: [{
        type: "text",
        text:
          `${toolName} failed unexpectedly: ${message}\nPlease report this as a bug in codex-persistent-mcp.`,
      }],
    };
  }
  const lines = [`${toolName} failed (${error.kind}): ${error.message}`];
  if (error.sessionId !== undefined) {
    lines.push(`session_id: ${error.sessionId}`);
  }
  if (error.hint !== undefined) lines.push(`What to do: ${error.hint}`);
  if (error.partialMessages.length > 0) {
    lines.push(
      `Codex's messages before the end:\n${error.partialMessages.join("\n\n")}`,
    );
  }
  return { isError: true, content: [{ type: "text", text: lines.join("\n") }] };
}

/**
 * Sends `notifications/progress` when the caller asked for progress (it
 * passed a progressToken): one per report, plus a heartbeat while Codex is
 * silent, so clients that reset their timeout on progress keep waiting.
 */
function progressReporter(
  context: CallContext,
  heartbeatMs: number,
): { report(message: string): void; stop(): void } {
  const token = context._meta?.progressToken;
  if (token === undefined) return { report() {}, stop() {} };
  const started = Date.now();
  let count = 0;
  let heartbeat: ReturnType<typeof setTimeout> | undefined;
  const send = (message: string): void => {
    count++;
    context.sendNotification({
      method: "notifications/progress",
      params: { progressToken: token, progress: count, message },
    }).catch(() => {});
  };
  const armHeartbeat = (): void => {
    clearTimeout(heartbeat);
    heartbeat = setTimeout(() => {
      send(`Codex is working (${Math.round((Date.now() - started) / 1000)} s)`);
      armHeartbeat();
    }, heartbeatMs);
  };
  armHeartbeat();
  return {
    report(message) {
      send(message);
      armHeartbeat();
    },
    stop() {
      clearTimeout(heartbeat);
    },
  };
}
