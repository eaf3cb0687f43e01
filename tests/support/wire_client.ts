/**
 * A raw JSON-RPC client for protocol tests: exactly what a 2026-07-28 client
 * such as Claude Code sends, hostile requests included, over
 * the SDK's in-memory transport, with the server's own requests to the
 * client (elicitations) answered by the test.
 */

import {
  InMemoryTransport,
  type JSONRPCMessage,
  type Transport,
} from "@modelcontextprotocol/client";
import { type CallToolResult, serverTransport } from "./mcp.ts";
import type { LocalServer } from "./in_process.ts";
import { fixtureTest } from "./fixture_test.ts";
import { type ServerInProcess, serverInProcess } from "./in_process.ts";
import type { TurnScript } from "./scripted_backend.ts";

/** The 2026-07-28 `_meta` envelope; `tasks`: declare the tasks extension. */
export function modernMeta(
  { tasks = false, elicitation = true } = {},
): Record<string, unknown> {
  return {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientInfo": { name: "wire-test", version: "1" },
    "io.modelcontextprotocol/clientCapabilities": {
      ...(elicitation ? { elicitation: { form: {} } } : {}),
      ...(tasks ? { extensions: { "io.modelcontextprotocol/tasks": {} } } : {}),
    },
  };
}

/** An answer: the result, or the error. */
export interface WireAnswer {
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

/** A task as `tools/call` and `tasks/*` describe it. */
export interface TaskWire {
  resultType?: string;
  taskId: string;
  status: string;
  statusMessage?: string;
  createdAt?: string;
  lastUpdatedAt?: string;
  ttlMs?: number;
  pollIntervalMs?: number;
  inputRequests?: Record<string, {
    method: string;
    params: { mode: string; message: string; requestedSchema: unknown };
  }>;
  result?: CallToolResult;
}

/** A server in this process with a raw client connected. */
export interface Wired extends ServerInProcess {
  wire: WireClient;
}

/** Runs `body` against a fresh in-process server on `script` and a raw client. */
export const wireTest = (
  name: string,
  script: TurnScript,
  body: (w: Wired) => Promise<void>,
  env: Record<string, string> = {},
): void =>
  fixtureTest(`[in process] ${name}`, {}, async () => {
    const built = await serverInProcess(script, env);
    const wire = await WireClient.connect(built.server);
    return {
      ...built,
      wire,
      async close() {
        await wire.close();
        await built.close();
      },
    };
  }, body);

/** The task an answer carries (an error answer throws). */
function taskOf(answer: WireAnswer): TaskWire {
  if (answer.error !== undefined || answer.result === undefined) {
    throw new Error(`no task: ${JSON.stringify(answer)}`);
  }
  return answer.result as unknown as TaskWire;
}

/** A JSON-RPC client speaking raw messages to an in-process server. */
export class WireClient {
  /** Server requests seen (method and params), oldest first. */
  readonly serverRequests: { method: string; params: unknown }[] = [];
  /** Answers a server request (default: method not found). */
  answerServer?: (method: string, params: unknown) => unknown;
  #next = 1;
  readonly #pending = new Map<number, (answer: WireAnswer) => void>();
  readonly #transport: Transport;
  /** Every request must be answered this soon (a client's own limit). */
  readonly #limitMs: number;

  /** A client on a `transport` not started yet. */
  private constructor(transport: Transport, limitMs: number) {
    this.#transport = transport;
    this.#limitMs = limitMs;
    transport.onmessage = (message: JSONRPCMessage) => this.#receive(message);
  }

  /** Connects to `server` in this process. */
  static async connect(server: LocalServer): Promise<WireClient> {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new WireClient(clientSide, 10_000);
    await clientSide.start();
    await server.connect(serverSide);
    return client;
  }

  /**
   * Starts the server as `command` with `env` and speaks to it on stdio;
   * every request fails unless answered within `limitMs`.
   */
  static async overStdio(
    command: readonly string[],
    env: Record<string, string>,
    limitMs: number,
  ): Promise<WireClient> {
    const transport = serverTransport(env, command);
    const client = new WireClient(transport, limitMs);
    await transport.start();
    transport.stderr?.on("data", () => {});
    return client;
  }

  /** Sends a request; its answer, or a failure past the client's limit. */
  request(
    method: string,
    params?: Record<string, unknown>,
  ): Promise<WireAnswer> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${method} got no answer in ${this.#limitMs} ms`));
      }, this.#limitMs);
      this.#pending.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.#transport.send({
        jsonrpc: "2.0",
        id,
        method,
        ...(params === undefined ? {} : { params }),
      } as JSONRPCMessage).catch(reject);
    });
  }

  /** A 2026-07-28 request (the envelope added to its params). */
  modern(
    method: string,
    params: Record<string, unknown> = {},
    meta: Record<string, unknown> = modernMeta(),
  ): Promise<WireAnswer> {
    return this.request(method, { ...params, _meta: meta });
  }

  /** Calls a tool as a client that takes tasks; the task it answers. */
  async callAsTask(
    name: string,
    args: Record<string, unknown>,
  ): Promise<TaskWire> {
    return taskOf(
      await this.modern(
        "tools/call",
        { name, arguments: args },
        modernMeta({ tasks: true }),
      ),
    );
  }

  /** `tasks/get`, `tasks/cancel`: the task. */
  async task(
    method: "tasks/get" | "tasks/cancel",
    taskId: string,
  ): Promise<TaskWire> {
    return taskOf(await this.modern(method, { taskId }));
  }

  /** Polls `tasks/get` until `done` holds for the task. */
  async pollTask(
    taskId: string,
    done: (task: TaskWire) => boolean,
    withinMs = 10_000,
  ): Promise<TaskWire> {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      const task = await this.task("tasks/get", taskId);
      if (done(task)) return task;
      if (Deno.env.get("DBG")) {
        console.log("POLL", JSON.stringify(task).slice(0, 600));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`task ${taskId} never reached the awaited state`);
  }

  /** Closes the connection. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  #receive(message: JSONRPCMessage): void {
    if ("method" in message && "id" in message) {
      const { id, method, params } = message;
      this.serverRequests.push({ method, params });
      const result = this.answerServer?.(method, params);
      this.#transport.send(
        (result === undefined
          ? { jsonrpc: "2.0", id, error: { code: -32601, message: method } }
          : { jsonrpc: "2.0", id, result }) as JSONRPCMessage,
      );
      return;
    }
    if (!("id" in message) || typeof message.id !== "number") return;
    const resolve = this.#pending.get(message.id);
    this.#pending.delete(message.id);
    resolve?.(message as WireAnswer);
  }
}
