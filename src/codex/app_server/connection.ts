/**
 * A connection to one `codex app-server` process: JSON-RPC over stdio, one
 * JSON message per line, without the `"jsonrpc"` field. Requests time out;
 * requests from the server go to the turn's answerer (approvals put to the
 * human) and are declined when there is none; the process dying fails every
 * request in flight and settles `exited`.
 *
 * @module
 */

import {
  type ChildProcess,
  KILL_GRACE_MS,
  startProcess,
  terminateTree,
} from "../../runtime/process_tree.ts";
import type { ChildExit, SpawnProcess } from "../../runtime/types.ts";
import { TextLineStream } from "../../text_line_stream.ts";
import {
  type AppServerNotification,
  parseAppServerLine,
  userAgentOf,
} from "./protocol.ts";
import { configFlags, type ConfigOverride } from "../turn_options.ts";
import { readStderrTail } from "../process_exit.ts";
import { parseCodexVersion } from "../version.ts";

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

/** How to start an app-server. */
export interface AppServerOptions {
  codexBin: string;
  /** Becomes each session's `originator` in Codex's store. */
  clientName: string;
  clientVersion: string;
  /** Every request fails after this long without an answer. */
  requestTimeoutMs: number;
  /** `-c key=value` overrides for the process. */
  configOverrides?: readonly ConfigOverride[];
  /** The process's working directory. */
  cwd?: string;
  env?: Record<string, string>;
  /** Variables of our environment the process does not get. */
  withoutEnv?: readonly string[];
  spawn?: SpawnProcess;
}

/**
 * Answers a request from the app-server (`method`, `params`): the result to
 * send, or `undefined` to decline it.
 */
export type ServerRequestAnswerer = (
  method: string,
  params: unknown,
) => Promise<Record<string, unknown> | undefined>;

interface PendingRequest {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
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
 * await server.request("thread/start", { cwd: "/repo", approvalPolicy: "never" });
 * await server.close();
 * ```
 */
export class AppServerConnection {
  /** Settles when the process has exited and all it wrote has been read. */
  readonly exited: Promise<ChildExit>;
  readonly #child: ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #stderr: Promise<string>;
  readonly #requestTimeoutMs: number;
  readonly #pending = new Map<number, PendingRequest>();
  readonly #listeners = new Set<(n: AppServerNotification) => void>();
  #answerer?: ServerRequestAnswerer;
  #nextId = 1;
  #alive = true;
  #version?: string;

  private constructor(child: ChildProcess, requestTimeoutMs: number) {
    this.#child = child;
    this.#requestTimeoutMs = requestTimeoutMs;
    this.#writer = child.stdin.getWriter();
    this.#stderr = readStderrTail(child.stderr);
    const read = this.#readLoop().finally(() => this.#onGone());
    this.exited = Promise.all([child.exited, read]).then(([exit]) => exit);
  }

  /**
   * Spawns the app-server and completes the `initialize` handshake. Throws
   * (the spawn error, or an {@linkcode AppServerRequestError}) when the
   * installed Codex cannot serve.
   */
  static async start(options: AppServerOptions): Promise<AppServerConnection> {
    const child = startProcess(
      options.codexBin,
      [
        "app-server",
        ...configFlags(options.configOverrides ?? []),
      ],
      { env: options.env, cwd: options.cwd, withoutEnv: options.withoutEnv },
      options.spawn,
    );
    const connection = new AppServerConnection(child, options.requestTimeoutMs);
    try {
      const initialized = await connection.request("initialize", {
        clientInfo: {
          name: options.clientName,
          title: null,
          version: options.clientVersion,
        },
      });
      connection.#version = parseCodexVersion(userAgentOf(initialized) ?? "");
      await connection.#send({ method: "initialized" });
    } catch (error) {
      connection.kill();
      throw error;
    }
    return connection;
  }

  /** The Codex version, from the user agent it answered `initialize` with. */
  get version(): string | undefined {
    return this.#version;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.#alive;
  }

  /** The end of the app-server's stderr, for error messages. */
  stderrTail(): Promise<string> {
    return this.#stderr;
  }

  /** Sends a request and waits for its answer (narrowed by the caller). */
  request(
    method: string,
    params: Record<string, unknown>,
    timeoutMs: number = this.#requestTimeoutMs,
  ): Promise<unknown> {
    if (!this.#alive) {
      return Promise.reject(
        new AppServerRequestError(`the app-server has exited (${method})`),
      );
    }
    const id = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new AppServerRequestError(
            `${method} got no answer within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#send({ id, method, params }).catch(() => {});
    });
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
    await this.#child.exited;
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
      const message = parseAppServerLine(line);
      switch (message?.kind) {
        case "notification":
          for (const listener of this.#listeners) {
            listener(message.notification);
          }
          break;
        case "request":
          this.#answer(message.id, message.method, message.params);
          break;
        case "result":
          this.#settle(message.id)?.resolve(message.result);
          break;
        case "error":
          this.#settle(message.id)?.reject(
            new AppServerRequestError(message.message, message.code),
          );
          break;
      }
    }
  }

  /**
   * Lets `answerer` answer what the app-server asks (approvals) until the
   * returned function is called; `undefined` from it declines.
   */
  answerRequests(answerer: ServerRequestAnswerer): () => void {
    this.#answerer = answerer;
    return () => {
      if (this.#answerer === answerer) this.#answerer = undefined;
    };
  }

  #answer(id: number | string, method: string, params: unknown): void {
    const answerer = this.#answerer;
    if (answerer === undefined) return this.#decline(id, method);
    answerer(method, params).then(
      (result) =>
        result === undefined
          ? this.#decline(id, method)
          : this.#send({ id, result }).catch(() => {}),
      () => this.#decline(id, method),
    );
  }

  /**
   * With no one to ask (`approvalPolicy: "never"`), anything the server
   * still asks (approvals, user input) is declined rather than left hanging.
   */
  #decline(id: number | string, method: string): void {
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

  /** Takes the pending request `id` off the books. */
  #settle(id: number): PendingRequest | undefined {
    const pending = this.#pending.get(id);
    if (pending === undefined) return undefined;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    return pending;
  }

  #onGone(): void {
    this.#alive = false;
    for (const id of [...this.#pending.keys()]) {
      this.#settle(id)?.reject(
        new AppServerRequestError("the app-server has exited"),
      );
    }
  }
}
