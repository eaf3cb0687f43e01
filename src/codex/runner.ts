/**
 * Runs one Codex turn: spawn `codex exec`, send the prompt on stdin, read the
 * JSONL events to the end, and end the whole process tree when a limit fires.
 *
 * @module
 */

import { CodexError } from "../errors.ts";
import { spawnProcess } from "../runtime/process.deno.ts";
import {
  type ChildProcess,
  ExecutableNotFoundError,
  type SpawnProcess,
} from "../runtime/types.ts";
import { terminateTree } from "../runtime/terminate.ts";
import { type OriginHeader, withOriginHeader } from "../header.ts";
import { TextLineStream } from "../text_line_stream.ts";
import { buildExecArgs, type ExecArgsRequest } from "./args.ts";
import { parseEventLine, type ThreadEvent } from "./events.ts";
import { newTurnState, reduceTurn } from "./turn.ts";
import {
  describeExit,
  readStderrTail,
  settleTurn,
  throwIfCancelled,
  type TurnLimits,
  type TurnResult,
  TurnWatchdog,
} from "./verdict.ts";

export type { TurnResult } from "./verdict.ts";

/** Everything one turn needs. */
export interface TurnRequest extends ExecArgsRequest, TurnLimits {
  /** The Codex executable (a path, or a name looked up on PATH). */
  codexBin: string;
  /** The prompt, without the origin header. */
  prompt: string;
  /** Who sent it; each backend records it where Codex keeps it best. */
  origin: OriginHeader;
  /** Sees every event as it arrives (progress reporting). */
  onEvent?: (event: ThreadEvent) => void;
  /** Extra environment for Codex. */
  env?: Record<string, string>;
  /** How to start the process; defaults to the runtime's. */
  spawn?: SpawnProcess;
}

const activeChildren = new Set<ChildProcess>();

/**
 * Runs one turn and returns its reply, or throws a {@linkcode CodexError}
 * that says which limit or failure ended it.
 *
 * @example
 * ```ts ignore
 * import { runCodexTurn } from "./runner.ts";
 * const result = await runCodexTurn({
 *   codexBin: "codex",
 *   cwd: "/path/to/repo",
 *   prompt: "Summarise this repository",
 *   origin: { origin: "planner", tool: "codex_chat" },
 *   timeoutMs: 600_000,
 *   idleTimeoutMs: 300_000,
 * });
 * console.log(result.sessionId, result.reply);
 * ```
 */
export async function runCodexTurn(request: TurnRequest): Promise<TurnResult> {
  throwIfCancelled(request.signal, request.sessionId);
  const spawn = request.spawn ?? spawnProcess;
  let child: ChildProcess;
  try {
    child = spawn(request.codexBin, buildExecArgs(request), {
      env: request.env,
    });
  } catch (error) {
    if (error instanceof ExecutableNotFoundError) {
      throw codexMissing(error, request.sessionId);
    }
    throw error;
  }
  activeChildren.add(child);

  const watchdog = new TurnWatchdog(request, () => {
    terminateTree(child);
  });
  const state = newTurnState();
  const stderrTail = readStderrTail(child.stderr);
  const stdinWritten = writeAndClose(
    child.stdin,
    withOriginHeader(request.prompt, request.origin),
  );
  try {
    const lines = child.stdout
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new TextLineStream());
    // Read to the end even after a failure: closing stdout early aborts the
    // turn and truncates the session's rollout file.
    for await (const line of lines) {
      watchdog.touch();
      const event = parseEventLine(line);
      if (event === undefined) continue;
      reduceTurn(state, event);
      request.onEvent?.(event);
    }
    const exit = await child.exited;
    // Codex may leave orphans in sessions of their own (shell snapshots).
    child.killTree("SIGKILL");
    await stdinWritten;
    return await settleTurn(state, {
      requestedSessionId: request.sessionId,
      limits: request,
      watchdog,
      describeEnd: async () => describeExit(exit, await stderrTail),
    });
  } finally {
    watchdog.dispose();
    activeChildren.delete(child);
  }
}

/**
 * The error for a Codex executable that cannot be started.
 *
 * @example
 * ```ts ignore
 * throw codexMissing(new ExecutableNotFoundError("codex", "not found"));
 * ```
 */
export function codexMissing(
  error: ExecutableNotFoundError,
  sessionId?: string,
): CodexError {
  return new CodexError(
    "codex_missing",
    `The Codex CLI could not be started (${error.message}).`,
    {
      sessionId,
      hint:
        "Install it (npm install -g @openai/codex) or set CODEX_BIN to the absolute path of the codex executable (`which codex`).",
    },
  );
}

/**
 * Ends every running Codex process tree (SIGTERM, then SIGKILL) and waits for
 * them to exit. Used at shutdown so no Codex process outlives the server.
 *
 * @example
 * ```ts ignore
 * import { endAllTurns } from "./runner.ts";
 * await endAllTurns();
 * ```
 */
export async function endAllTurns(): Promise<void> {
  await Promise.all([...activeChildren].map(terminateTree));
}

async function writeAndClose(
  stdin: WritableStream<Uint8Array>,
  text: string,
): Promise<void> {
  const writer = stdin.getWriter();
  try {
    await writer.write(new TextEncoder().encode(text));
    // 0.169.0 waits for EOF on stdin before it starts the turn.
    await writer.close();
  } catch {
    // Codex exited before reading its prompt; its exit status tells why.
  }
}
