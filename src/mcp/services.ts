/**
 * What every MCP connection of this process shares: one turn service, one
 * view of Codex's store, one task board, the calls held for a client's
 * retry, and the tool registry over them. Any number of SDK server
 * instances (one per stdio connection, one per HTTP request) answer from
 * these, so a turn one client starts is another's to see and collect.
 *
 * @module
 */

import type { TurnBackend } from "../codex/backend.ts";
import type { Config } from "../config.ts";
import { SessionStore } from "../store/session_store.ts";
import { TurnService } from "../turns/service.ts";
import { HeldCalls } from "./calls/held_calls.ts";
import { TaskBoard } from "./tasks/task_board.ts";
import { type RegisteredTool, toolRegistry } from "./tools/registry.ts";

/** How bad a log line is. */
export type LogLevel = "info" | "warning";
/** Where log lines go: one per connected client that takes them. */
export type LogSink = (level: LogLevel, data: string) => void;

/** The services of one server process. */
export interface CodexServices {
  readonly config: Config;
  readonly turns: TurnService;
  readonly store: SessionStore;
  readonly tasks: TaskBoard;
  readonly held: HeldCalls;
  /** Every tool, by name. */
  readonly tools: ReadonlyMap<string, RegisteredTool>;
  /** Sends log lines to `sink` until the returned function is called. */
  addLogSink(sink: LogSink): () => void;
  /** A log line for every connected client. */
  log(level: LogLevel, data: string): void;
  /** Ends every Codex process (at shutdown). */
  close(): Promise<void>;
}

/** What the services are built with besides the configuration. */
export interface ServicesOptions {
  /** What runs the turns (default: Codex, as the configuration says). */
  backend?: TurnBackend;
}

/**
 * Builds the services of one server process.
 *
 * @example
 * ```ts ignore
 * import { loadConfig } from "../config.ts";
 * const services = createServices(loadConfig(Deno.env.toObject()));
 * // … serve any number of connections from them, then at shutdown:
 * await services.close();
 * ```
 */
export function createServices(
  config: Config,
  options: ServicesOptions = {},
): CodexServices {
  const sinks = new Set<LogSink>();
  const log = (level: LogLevel, data: string): void => {
    for (const sink of sinks) sink(level, data);
  };
  const turns = new TurnService(config, { log, backend: options.backend });
  const store = new SessionStore(config.codexHome, {
    roots: config.roots,
    cachePath: config.sessionCachePath,
  });
  const tasks = new TaskBoard(turns, config);
  const held = new HeldCalls(config);
  if (config.approvals === "ask" && config.backend === "exec") {
    // Said where the user sees it at start: the log has no client yet.
    console.error(
      "codex-persistent-mcp: CODEX_PERSISTENT_MCP_APPROVALS=ask needs the app-server backend; with CODEX_PERSISTENT_MCP_BACKEND=exec Codex cannot ask, so approvals stay off (never).",
    );
  }
  return {
    config,
    turns,
    store,
    tasks,
    held,
    tools: toolRegistry({ turns, store, config, tasks, held }),
    addLogSink(sink) {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
    log,
    // No Codex process may outlive the server.
    close: () => turns.close(),
  };
}
