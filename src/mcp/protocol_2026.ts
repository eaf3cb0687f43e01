/**
 * MCP 2026-07-28 beside the 2025 era, on one connection. The SDK (1.x)
 * speaks the 2025 era (`initialize`); this transport in front of it answers
 * `server/discover`, refuses other claimed revisions, hands the methods the
 * SDK does not know (`tasks/*`) to the server, and gives each answer to a
 * request that claims 2026-07-28 the framing that revision requires
 * (`resultType`, cache hints on lists, no 2025-only fields). A request
 * claims the revision by carrying it in `_meta`; everything else passes
 * through untouched, so 2025-era clients see exactly what they saw before.
 *
 * @module
 */

import type {
  Transport,
  TransportSendOptions,
} from "@modelcontextprotocol/sdk/shared/transport";
import type {
  JSONRPCMessage,
  MessageExtraInfo,
  RequestId,
} from "@modelcontextprotocol/sdk/types";
import { isRecord } from "../json.ts";
import type { ReplacedAnswers } from "./replaced_answers.ts";

/** The revision this module speaks. */
export const PROTOCOL_2026 = "2026-07-28";
/** `_meta` keys of the 2026-07-28 request envelope. */
export const META_KEYS = {
  protocolVersion: "io.modelcontextprotocol/protocolVersion",
  clientCapabilities: "io.modelcontextprotocol/clientCapabilities",
  serverInfo: "io.modelcontextprotocol/serverInfo",
} as const;
/** The extension a client declares when it takes tasks. */
export const TASKS_EXTENSION = "io.modelcontextprotocol/tasks";
/**
 * Where a retried `tools/call` (after an `input_required` result) carries
 * the client's `inputResponses` and the `requestState` it echoes, once
 * this transport has moved them into `_meta` for the tool handler. What a
 * client itself puts under these keys is dropped: only the retry fields
 * count.
 */
export const RETRY_META_KEYS = {
  inputResponses: "codex-persistent-mcp/inputResponses",
  requestState: "codex-persistent-mcp/requestState",
} as const;

/** Results of these methods may be cached (and must say for how long). */
const CACHEABLE = new Set([
  "tools/list",
  "prompts/list",
  "resources/list",
  "resources/templates/list",
  "resources/read",
  "server/discover",
]);

/** A JSON-RPC error a handler throws: its code and message reach the client. */
export class ProtocolError extends Error {
  /** The JSON-RPC error code. */
  readonly code: number;
  /** Creates the error. */
  constructor(code: number, message: string) {
    super(message);
    this.name = "ProtocolError";
    this.code = code;
  }
}

/** What the server answers itself, outside the SDK. */
export interface Protocol2026Handlers {
  /** The `server/discover` result (capabilities, instructions, server info). */
  discover(): Record<string, unknown>;
  /**
   * The answer to a method the SDK does not know (`tasks/get` …), or
   * `undefined` when the server does not serve it either.
   */
  answer(
    method: string,
    params: Record<string, unknown>,
  ): Promise<Record<string, unknown>> | undefined;
  /** What goes out instead of the SDK's results. */
  replaced: ReplacedAnswers;
}

/** The revision a request claims in `_meta` (undefined: 2025 era). */
export function claimedRevision(params: unknown): string | undefined {
  const meta = isRecord(params) ? params._meta : undefined;
  const claimed = isRecord(meta) ? meta[META_KEYS.protocolVersion] : undefined;
  return typeof claimed === "string" ? claimed : undefined;
}

/**
 * Whether a request (its `_meta`) claims 2026-07-28 and declares the tasks
 * extension among the client's capabilities.
 *
 * @example
 * ```ts
 * import { declaresTasks } from "./protocol_2026.ts";
 * declaresTasks({
 *   "io.modelcontextprotocol/protocolVersion": "2026-07-28",
 *   "io.modelcontextprotocol/clientCapabilities": {
 *     extensions: { "io.modelcontextprotocol/tasks": {} },
 *   },
 * }); // true
 * ```
 */
export function declaresTasks(meta: unknown): boolean {
  const extensions = clientCapabilities(meta)?.extensions;
  return isRecord(extensions) && extensions[TASKS_EXTENSION] !== undefined;
}

/**
 * Whether a request (its `_meta`) claims 2026-07-28 and its client takes
 * forms (`elicitation`), as an `input_required` result asks for them.
 *
 * @example
 * ```ts
 * import { declaresElicitation } from "./protocol_2026.ts";
 * declaresElicitation({
 *   "io.modelcontextprotocol/protocolVersion": "2026-07-28",
 *   "io.modelcontextprotocol/clientCapabilities": { elicitation: { form: {} } },
 * }); // true
 * ```
 */
export function declaresElicitation(meta: unknown): boolean {
  return clientCapabilities(meta)?.elicitation !== undefined;
}

/** The client capabilities of a 2026-07-28 request's envelope. */
function clientCapabilities(
  meta: unknown,
): Record<string, unknown> | undefined {
  if (!isRecord(meta) || claimedRevision({ _meta: meta }) !== PROTOCOL_2026) {
    return undefined;
  }
  const capabilities = meta[META_KEYS.clientCapabilities];
  return isRecord(capabilities) ? capabilities : undefined;
}

/** `_meta` without {@linkcode RETRY_META_KEYS}: no client sets those. */
function ownMeta(params: Record<string, unknown>): Record<string, unknown> {
  const meta: Record<string, unknown> = isRecord(params._meta)
    ? { ...params._meta }
    : {};
  delete meta[RETRY_META_KEYS.inputResponses];
  delete meta[RETRY_META_KEYS.requestState];
  return meta;
}

/**
 * A 2026-07-28 `tools/call` whose retry fields (`inputResponses`,
 * `requestState`) are moved into `_meta` under {@linkcode RETRY_META_KEYS},
 * where the SDK passes them to the handler.
 */
function retryLifted(params: Record<string, unknown>): Record<string, unknown> {
  const { inputResponses, requestState, ...rest } = params;
  const meta = ownMeta(params);
  if (inputResponses !== undefined) {
    meta[RETRY_META_KEYS.inputResponses] = inputResponses;
  }
  if (requestState !== undefined) {
    meta[RETRY_META_KEYS.requestState] = requestState;
  }
  return { ...rest, _meta: meta };
}

/**
 * A 2025-era request as it came, unless its `_meta` sets our retry keys
 * (that era has no retries): then without them.
 */
function withoutRetryKeys(message: JSONRPCMessage): JSONRPCMessage {
  const params = "params" in message ? message.params : undefined;
  const meta = isRecord(params) ? params._meta : undefined;
  if (
    !isRecord(params) || !isRecord(meta) ||
    !Object.values(RETRY_META_KEYS).some((key) => key in meta)
  ) {
    return message;
  }
  return { ...message, params: { ...params, _meta: ownMeta(params) } };
}

/** A result framed for 2026-07-28. */
function framed(
  method: string,
  result: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...result };
  out.resultType ??= "complete";
  if (CACHEABLE.has(method)) {
    out.ttlMs ??= 0;
    out.cacheScope ??= "private";
  }
  // Tool-level task negotiation belongs to the 2025-11-25 tasks.
  if (method === "tools/list" && Array.isArray(out.tools)) {
    out.tools = out.tools.map((tool) => {
      if (!isRecord(tool) || !("execution" in tool)) return tool;
      const { execution: _, ...rest } = tool;
      return rest;
    });
  }
  return out;
}

/**
 * The transport the SDK's server is connected to, in front of the real
 * one.
 *
 * @example
 * ```ts ignore
 * await mcp.connect(new Protocol2026Transport(new LineStdioTransport(), handlers));
 * ```
 */
export class Protocol2026Transport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  readonly #inner: Transport;
  readonly #handlers: Protocol2026Handlers;
  /** Requests in flight that claimed 2026-07-28: their method, by id. */
  readonly #modern = new Map<RequestId, string>();

  /** Serves `handlers` in front of `inner`. */
  constructor(inner: Transport, handlers: Protocol2026Handlers) {
    this.#inner = inner;
    this.#handlers = handlers;
  }

  /** Starts the real transport. */
  start(): Promise<void> {
    this.#inner.onclose = () => this.onclose?.();
    this.#inner.onerror = (error) => this.onerror?.(error);
    this.#inner.onmessage = (message, extra) => this.#receive(message, extra);
    return this.#inner.start();
  }

  /** Sends a message, framing answers to 2026-07-28 requests. */
  send(
    message: JSONRPCMessage,
    options?: TransportSendOptions,
  ): Promise<void> {
    if (!("id" in message) || "method" in message || message.id === undefined) {
      return this.#inner.send(message, options);
    }
    const method = this.#modern.get(message.id);
    this.#modern.delete(message.id);
    if (!("result" in message)) return this.#inner.send(message, options);
    const result = this.#handlers.replaced.take(message.id) ??
      message.result;
    return this.#inner.send(
      {
        ...message,
        result: method === undefined ? result : framed(method, result),
      },
      options,
    );
  }

  /** Closes the real transport. */
  close(): Promise<void> {
    return this.#inner.close();
  }

  #receive(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if (!("method" in message) || !("id" in message)) {
      // A cancelled request is never answered: forget it now.
      if ("method" in message && message.method === "notifications/cancelled") {
        const id = message.params?.requestId;
        if (typeof id === "string" || typeof id === "number") {
          this.#modern.delete(id);
        }
      }
      return this.onmessage?.(message, extra);
    }
    const { id, method, params } = message;
    const revision = method === "server/discover"
      ? PROTOCOL_2026
      : claimedRevision(params);
    if (revision === undefined) {
      return this.onmessage?.(withoutRetryKeys(message), extra);
    }
    if (revision !== PROTOCOL_2026) {
      return this.#reply(id, {
        error: {
          code: -32022,
          message:
            `Unsupported protocol version ${revision}: this server speaks ${PROTOCOL_2026} (server/discover) and the 2025 revisions (initialize).`,
          data: { supported: [PROTOCOL_2026], requested: revision },
        },
      });
    }
    if (method === "server/discover") {
      return this.#reply(id, {
        result: framed(method, this.#handlers.discover()),
      });
    }
    // A handler that throws at once fails this request, never the server.
    let answer: Promise<Record<string, unknown>> | undefined;
    try {
      answer = this.#handlers.answer(method, isRecord(params) ? params : {});
    } catch (error) {
      answer = Promise.reject(error);
    }
    if (answer === undefined) {
      this.#modern.set(id, method);
      return this.onmessage?.(
        method === "tools/call" && isRecord(params)
          ? { ...message, params: retryLifted(params) }
          : message,
        extra,
      );
    }
    answer.then(
      (result) => this.#reply(id, { result: framed(method, result) }),
      (error) =>
        this.#reply(id, {
          error: {
            code: error instanceof ProtocolError ? error.code : -32603,
            message: error instanceof Error ? error.message : String(error),
          },
        }),
    );
  }

  #reply(
    id: RequestId,
    answer:
      | { result: Record<string, unknown> }
      | { error: { code: number; message: string; data?: unknown } },
  ): void {
    this.#inner.send({ jsonrpc: "2.0", id, ...answer } as JSONRPCMessage)
      .catch((error) => this.onerror?.(error));
  }
}
