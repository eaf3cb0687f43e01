/**
 * The one seam between runtimes: the contract that `process.deno.ts` and its
 * twin `process.node.ts` both implement (the npm build, scripts/build_npm.ts,
 * swaps one for the other). Only starting a process differs between Deno and
 * Node; everything built on it (process trees, files) is shared.
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
