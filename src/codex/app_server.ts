/**
 * A connection to one `codex app-server` process: JSON-RPC over stdio, one
 * JSON message per line, without the `"jsonrpc"` field. Requests time out;
 * requests from the server are declined (we run with approvals off); the
 * process dying fails every request in flight.
 *
 * @module
 */

import { spawnProcess } from "../runtime/process.deno.ts";
import { KILL_GRACE_MS, terminateTree } from "../runtime/terminate.ts";
import type {
  ChildExit,
  ChildProcess,
  SpawnProcess,
} from "../runtime/types.ts";
import { TextLineStream } from "../text_line_stream.ts";
import { readStderrTail } from "./verdict.ts";

/** An error answer to a request, or a request that got none. */
export class AppServerRequestError extends Error {
  /** The JSON-RPC error code; absent for timeouts and a dead process. */
  readonly code?: number;
  /** Creates the error. */
  constructor(message: string, code?: number) {
    super(message);
    this.name = "AppServerRequestError";
    this.code = code;
  }
}

/** A notification from the app-server. */
export interface AppServerNotification {
  method: string;
  // deno-lint-ignore no-explicit-any
  params: any;
}

/** How to start an app-server. */
export interface AppServerOptions {
  codexBin: string;
  /** Becomes each session's `originator` in Codex's store. */
  clientName: string;
  clientVersion: string;
  /** Every request fails after this long without an answer. */
  requestTimeoutMs: number;
  env?: Record<string, string>;
  spawn?: SpawnProcess;
}

const liveConnections = new Set<AppServerConnection>();

/**
 * Closes every app-server this process started (at shutdown, so none
 * outlives the server or keeps holding a session's lock).
 *
 * @example
 * ```ts ignore
 * await closeAllAppServers();
 * ```
 */
export async function closeAllAppServers(): Promise<void> {
  await Promise.all(
    [...liveConnections].map((connection) => connection.close()),
  );
}

/**
 * One running `codex app-server`.
 *
 * @example
 * ```ts ignore
 * const server = await AppServerConnection.start({
 *   codexBin: "codex", clientName: "codex-persistent-mcp", clientVersion: "0.1.0",
 *   requestTimeoutMs: 30_000,
 * });
 * const { thread } = await server.request("thread/start", { cwd: "/repo", approvalPolicy: "never" });
 * await server.close();
 * ```
 */
export class AppServerConnection {
  /** Settles when the process has exited. */
  readonly exited: Promise<ChildExit>;
  readonly #child: ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #stderr: Promise<string>;
  readonly #requestTimeoutMs: number;
  readonly #pending = new Map<number, {
    resolve: (value: unknown) => void;
    reject: (error: Error) => void;
    timer: ReturnType<typeof setTimeout>;
  }>();
  readonly #listeners = new Set<(n: AppServerNotification) => void>();
  #nextId = 1;
  #alive = true;

  private constructor(child: ChildProcess, requestTimeoutMs: number) {
    this.#child = child;
    this.#requestTimeoutMs = requestTimeoutMs;
    this.#writer = child.stdin.getWriter();
    this.#stderr = readStderrTail(child.stderr);
    this.exited = child.exited;
    liveConnections.add(this);
    this.#readLoop().finally(() => this.#onGone());
  }

  /**
   * Spawns the app-server and completes the `initialize` handshake. Throws
   * (the spawn error, or an {@linkcode AppServerRequestError}) when the
   * installed Codex cannot serve.
   */
  static async start(options: AppServerOptions): Promise<AppServerConnection> {
    const spawn = options.spawn ?? spawnProcess;
    const child = spawn(options.codexBin, ["app-server"], { env: options.env });
    const connection = new AppServerConnection(child, options.requestTimeoutMs);
    try {
      await connection.request("initialize", {
        clientInfo: {
          name: options.clientName,
          title: null,
          version: options.clientVersion,
        },
      });
      await connection.notify("initialized");
    } catch (error) {
      connection.kill();
      throw error;
    }
    return connection;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.#alive;
  }

  /** The process id of the launcher. */
  get pid(): number {
    return this.#child.pid;
  }

  /** The end of the app-server's stderr, for error messages. */
  stderrTail(): Promise<string> {
    return this.#stderr;
  }

  /** Sends a request and waits for its answer. */
  request<T = Record<string, unknown>>(
    method: string,
    params: Record<string, unknown>,
    timeoutMs: number = this.#requestTimeoutMs,
  ): Promise<T> {
    if (!this.#alive) {
      return Promise.reject(
        new AppServerRequestError(`the app-server has exited (${method})`),
      );
    }
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new AppServerRequestError(
            `${method} got no answer within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: resolve as (value: unknown) => void,
        reject,
        timer,
      });
      this.#send({ id, method, params }).catch(() => {});
    });
  }

  /** Sends a notification. */
  notify(method: string, params?: Record<string, unknown>): Promise<void> {
    return this.#send(params === undefined ? { method } : { method, params });
  }

  /** Calls `listener` for every notification until the returned function is called. */
  subscribe(
    listener: (notification: AppServerNotification) => void,
  ): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Ends the process: EOF on stdin (it exits in well under a second and
   * releases its session locks), then SIGTERM and SIGKILL if it lingers.
   */
  async close(): Promise<void> {
    await this.#writer.close().catch(() => {});
    const timer = setTimeout(() => this.kill(), KILL_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
    // Helpers Codex started in sessions of their own would outlive it.
    this.#child.killTree("SIGKILL");
  }

  /** Ends the process tree at once. */
  kill(): void {
    terminateTree(this.#child);
  }

  async #send(message: Record<string, unknown>): Promise<void> {
    await this.#writer.write(
      new TextEncoder().encode(`${JSON.stringify(message)}\n`),
    );
  }

  async #readLoop(): Promise<void> {
    const lines = this.#child.stdout
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new TextLineStream());
    for await (const line of lines) {
      let message;
      try {
        message = JSON.parse(line);
      } catch {
        continue;
      }
      if (typeof message !== "object" || message === null) continue;
      if (typeof message.method === "string" && message.id !== undefined) {
        this.#declineRequest(message.id, message.method);
      } else if (typeof message.method === "string") {
        for (const listener of this.#listeners) {
          listener({ method: message.method, params: message.params ?? {} });
        }
      } else if (message.id !== undefined) {
        this.#settle(message);
      }
    }
  }

  /**
   * We run with `approvalPolicy: "never"`; anything the server still asks
   * (approvals, user input) is declined rather than left hanging.
   */
  #declineRequest(id: unknown, method: string): void {
    const answer = /approval/i.test(method)
      ? { id, result: { decision: "decline" } }
      : {
        id,
        error: {
          code: -32601,
          message: `codex-persistent-mcp does not answer ${method}`,
        },
      };
    this.#send(answer).catch(() => {});
  }

  #settle(message: {
    id: number;
    result?: unknown;
    error?: { code?: number; message?: string };
  }): void {
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.error !== undefined) {
      pending.reject(
        new AppServerRequestError(
          message.error.message ?? "error",
          message.error.code,
        ),
      );
    } else {
      pending.resolve(message.result ?? {});
    }
  }

  #onGone(): void {
    this.#alive = false;
    liveConnections.delete(this);
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new AppServerRequestError("the app-server has exited"));
      this.#pending.delete(id);
    }
    for (const listener of this.#listeners) {
      listener({ method: "codex-persistent-mcp/exited", params: {} });
    }
  }
}
