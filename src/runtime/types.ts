/**
 * The one seam between runtimes: the contract that each `*.deno.ts` file here
 * and its `*.node.ts` twin implement (the npm build, scripts/build_npm.ts,
 * swaps one for the other). What differs: starting a process, and the file
 * calls on hot or start-up paths (under Deno, `node:fs` costs 2.4 times
 * `Deno.statSync` over a 20,000-session store, and loading it adds ~18 ms to
 * start-up). Everything built on them (process trees, the session store) is
 * shared code.
 *
 * @module
 */

/** How a child ended. */
export interface ChildExit {
  /** Exit code, or `null` when a signal ended it. */
  code: number | null;
  /** The signal that ended it, if any. */
  signal: string | null;
}

/** A running child with piped stdio, leading its own process group. */
export interface SpawnedChild {
  /** Process id (also the id of its process group). */
  readonly pid: number;
  /** The child's stdin. */
  readonly stdin: WritableStream<Uint8Array>;
  /** The child's stdout. */
  readonly stdout: ReadableStream<Uint8Array>;
  /** The child's stderr. */
  readonly stderr: ReadableStream<Uint8Array>;
  /** Settles when the child has exited. */
  readonly exited: Promise<ChildExit>;
}

/** Options for {@linkcode SpawnProcess}. */
export interface SpawnOptions {
  /** Extra environment variables on top of the inherited environment. */
  env?: Record<string, string>;
  /** Inherited variables the child does not get. */
  withoutEnv?: readonly string[];
  /** The child's working directory (default: ours). */
  cwd?: string;
}

/**
 * Starts `command` with `args` directly (never through a shell), in a new
 * session and process group, with piped stdio. Throws
 * {@linkcode ExecutableNotFoundError} when the executable cannot be run.
 */
export type SpawnProcess = (
  command: string,
  args: string[],
  options?: SpawnOptions,
) => SpawnedChild;

/**
 * Thrown by a {@linkcode SpawnProcess} when the executable does not exist or
 * cannot be executed.
 *
 * @example
 * ```ts
 * import { ExecutableNotFoundError } from "./types.ts";
 * new ExecutableNotFoundError("codex", "No such file").command; // "codex"
 * ```
 */
export class ExecutableNotFoundError extends Error {
  /** The command that could not be started. */
  readonly command: string;
  /** Creates the error. */
  constructor(command: string, reason: string) {
    super(`cannot run ${command}: ${reason}`);
    this.name = "ExecutableNotFoundError";
    this.command = command;
  }
}

/** What `stat` says of an existing path. */
export interface PathInfo {
  /** Whether it is a directory. */
  isDirectory: boolean;
  /** Size in bytes. */
  size: number;
  /** Last modification, in ms since the epoch. */
  mtimeMs: number;
}

/** `stat` without a promise, or `undefined` when the path is gone. */
export type StatFileSync = (path: string) => PathInfo | undefined;

/**
 * The names in a directory; empty when it does not exist or is not a
 * directory.
 */
export type ListDirectorySync = (path: string) => string[];

/** A file opened for reading, read in chunks at given positions. */
export interface ReadableFile {
  /**
   * Reads into `buffer` at byte `position`; resolves with the byte count, or
   * `null` at the end.
   */
  read(buffer: Uint8Array, position: number): Promise<number | null>;
  /** Closes the file. */
  close(): Promise<void>;
}

/** Opens a file for chunked reading. */
export type OpenFile = (path: string) => Promise<ReadableFile>;

/** A file's text, read at once, or `undefined` when it cannot be read. */
export type ReadTextFileSync = (path: string) => string | undefined;

/** An HTTP server listening, as the runtime runs it. */
export interface HttpListener {
  /** The port it listens on (the one chosen, when asked for port 0). */
  readonly port: number;
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}

/** Listens on `hostname:port` and answers each request with `handler`. */
export type ListenHttp = (
  address: { hostname: string; port: number },
  handler: (request: Request) => Promise<Response>,
) => Promise<HttpListener>;
