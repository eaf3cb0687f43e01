/**
 * One MCP server instance of the official SDK over the process's shared
 * services: the tools from the registry, the tasks extension, and each
 * call's scope (its era, what its client takes) read from the SDK's
 * request context. The SDK answers everything else: both protocol eras,
 * `server/discover`, the request envelope, `input_required` and its sealed
 * state, cancellation.
 *
 * @module
 */

import {
  type CallToolResult,
  CLIENT_CAPABILITIES_META_KEY,
  isInputRequiredResult,
  ProtocolError,
  ProtocolErrorCode,
  Server,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { humanAnswerOf } from "../codex/approvals.ts";
import { isRecord } from "../json.ts";
import { VERSION } from "../version.ts";
import { formSchema } from "./calls/open_questions.ts";
import type { CallScope } from "./calls/progress.ts";
import type { LegacyHttpCalls } from "./http/legacy_calls.ts";
import type { CodexServices } from "./services.ts";
import { serveTasks, TASKS_EXTENSION } from "./tasks/task_methods.ts";

/** Who the server says it is, in `initialize` and in `server/discover`. */
export const SERVER_INFO = { name: "codex-persistent-mcp", version: VERSION };

/** How the instance's client is connected. */
export interface McpServerOptions {
  /**
   * `stdio` (default): one connection for the instance's life. `http`: one
   * stateless request, so the server cannot ask the client anything while
   * a 2025-era call waits, and sends it no log lines meant for others.
   */
  connection?: "stdio" | "http";
  /**
   * Over HTTP: the 2025-era calls in flight in the process, which a
   * client's `notifications/cancelled` (a request of its own) stops.
   */
  legacyCalls?: LegacyHttpCalls;
}

/**
 * A server instance answering from `services`; the SDK's serving entries
 * (`serveStdio`, `createMcpHandler`) call this once per connection or
 * request.
 *
 * @example
 * ```ts ignore
 * import { serveStdio } from "@modelcontextprotocol/server/stdio";
 * serveStdio(() => createMcpServer(services));
 * ```
 */
export function createMcpServer(
  services: CodexServices,
  options: McpServerOptions = {},
): Server {
  const stdio = (options.connection ?? "stdio") === "stdio";
  const { tools, config } = services;
  const server = new Server(SERVER_INFO, {
    capabilities: { logging: {}, tools: {} },
    requestState: { verify: services.held.verify },
    // A 2025-era client is asked with elicitation/create by the call itself
    // (see callScope): the SDK's shim could not end its form when the
    // question is declined at CODEX_PERSISTENT_MCP_APPROVAL_TIMEOUT_MS.
    inputRequired: { legacyShim: false },
  });
  server.setRequestHandler("tools/list", () => ({
    tools: [...tools.values()].map((tool) => tool.definition),
  }));
  const { legacyCalls } = options;
  server.setRequestHandler("tools/call", async (request, ctx) => {
    const { name, arguments: args } = request.params;
    const tool = tools.get(name);
    if (tool === undefined) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Unknown tool ${name}: tools/list names the tools of this server.`,
      );
    }
    const scope = callScope(
      server,
      ctx,
      stdio ? config.approvalTimeoutMs : undefined,
    );
    const tracked = scope.era === "2025" && legacyCalls !== undefined
      ? legacyCalls.track(ctx.mcpReq.id, scope.signal)
      : undefined;
    const answer = await tool.answer(
      args,
      tracked === undefined ? scope : { ...scope, signal: tracked.signal },
    ).finally(() => tracked?.done());
    if (isInputRequiredResult(answer)) return answer;
    // A task answer goes out as it is: the tasks extension is ours.
    if (answer.resultType === "task") return answer as CallToolResult;
    const result = answer as CallToolResult;
    const [first] = result.content;
    if (result.isError && first?.type === "text") {
      services.log("warning", first.text);
    }
    return server.projectCallToolResult(result, tool.outputSchema);
  });
  serveTasks(server, services.tasks);
  if (legacyCalls !== undefined) {
    server.setNotificationHandler(
      "notifications/cancelled",
      ({ params }) => legacyCalls.cancel(params.requestId, params.reason),
    );
  }
  if (!stdio) return server;
  // Logs go through MCP (`notifications/message`), never to stdout.
  const removeSink = services.addLogSink((level, data) => {
    server.sendLoggingMessage({
      level,
      logger: "codex-persistent-mcp",
      data,
    }).catch(() => {});
  });
  server.onclose = removeSink;
  return server;
}

/**
 * One tool call as the handlers see it, from the SDK's request context;
 * `pushTimeoutMs` unset: this connection cannot take a request from the
 * server while a call waits.
 */
function callScope(
  server: Server,
  ctx: ServerContext,
  pushTimeoutMs: number | undefined,
): CallScope {
  const request = ctx.mcpReq;
  // A 2026-07-28 request carries its client's capabilities; a 2025-era
  // connection declared them at `initialize`.
  const envelope: unknown = request.envelope;
  const modern = isRecord(envelope);
  const declared: unknown = modern
    ? envelope[CLIENT_CAPABILITIES_META_KEY]
    : server.getClientCapabilities();
  const capabilities = isRecord(declared) ? declared : {};
  const extensions = isRecord(capabilities.extensions)
    ? capabilities.extensions
    : {};
  const state = request.requestState();
  return {
    era: modern ? "2026-07-28" : "2025",
    signal: request.signal,
    progressToken: request._meta?.progressToken,
    notify: (notification) => request.notify(notification),
    takesTasks: modern && extensions[TASKS_EXTENSION] !== undefined,
    forms: capabilities.elicitation === undefined
      ? undefined
      : modern
      ? { kind: "inBand" }
      : pushTimeoutMs === undefined
      ? undefined
      : {
        kind: "push",
        ask: async (question, signal) =>
          humanAnswerOf(
            await request.elicitInput(
              {
                mode: "form",
                message: question.message,
                requestedSchema: formSchema(question),
              },
              // The bound itself is boundedAsker's (it aborts `signal`);
              // this only lifts the SDK's 60 s request default up to it.
              { signal, timeout: pushTimeoutMs },
            ),
          ),
      },
    retry: state === undefined
      ? undefined
      : { state, inputResponses: request.inputResponses },
  };
}
