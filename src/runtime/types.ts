/**
 * The one seam between runtimes: child processes and the little file access
 * the server needs. Each `*.deno.ts` file here has a `*.node.ts` twin with the
 * same exports; the npm build (scripts/build_npm.ts) swaps one for the other.
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
export interface ChildProcess {
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
  /**
   * Signals the child and everything it started (the npm `codex` wrapper
   * runs the native binary, which runs shells), even after the child itself
   * has exited and left orphans behind.
   */
  killTree(signal: "SIGTERM" | "SIGKILL"): void;
}

/** Options for {@linkcode SpawnProcess}. */
export interface SpawnOptions {
  /** Extra environment variables on top of the inherited environment. */
  env?: Record<string, string>;
}

/** Starts `command` with `args` directly (never through a shell). */
export type SpawnProcess = (
  command: string,
  args: string[],
  options?: SpawnOptions,
) => ChildProcess;

/**
 * Thrown by a {@linkcode SpawnProcess} when the executable does not exist or
 * cannot be executed.
 *
 * @example
 * ```ts
 * import { ExecutableNotFoundError } from "./process_types.ts";
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

/** A file opened for reading, read in chunks. */
export interface ReadableFile {
  /**
   * Reads into `buffer`, at `position` when given (else where the last read
   * ended); resolves with the byte count, or `null` at the end.
   */
  read(buffer: Uint8Array, position?: number): Promise<number | null>;
  /** Closes the file. */
  close(): void | Promise<void>;
}

/**
 * Set in every child's environment with a value unique to that child, so its
 * whole tree can be found and ended: Codex starts some helpers in sessions of
 * their own (0.169.0's shell snapshot), out of reach of a process-group
 * signal, and they outlive their parent as orphans.
 */
export const TREE_MARKER_VARIABLE = "CODEX_PERSISTENT_MCP_TREE";
