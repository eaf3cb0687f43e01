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
import { TextLineStream } from "../text_line_stream.ts";
import { buildExecArgs, type ExecArgsRequest } from "./args.ts";
import { parseEventLine, type ThreadEvent, type Usage } from "./events.ts";
import { newTurnState, reduceTurn } from "./turn.ts";

/** Everything one turn needs. */
export interface TurnRequest extends ExecArgsRequest {
  /** The Codex executable (a path, or a name looked up on PATH). */
  codexBin: string;
  /** The full prompt, sent on stdin. */
  prompt: string;
  /** End the turn after this long. */
  timeoutMs: number;
  /** End the turn when Codex prints no event for this long. */
  idleTimeoutMs: number;
  /** Ends the turn when aborted (the client cancelled the call). */
  signal?: AbortSignal;
  /** Sees every event as it arrives (progress reporting). */
  onEvent?: (event: ThreadEvent) => void;
  /** Extra environment for Codex. */
  env?: Record<string, string>;
  /** How to start the process; defaults to the runtime's. */
  spawn?: SpawnProcess;
}

/** A completed turn. */
export interface TurnResult {
  /** The session the turn ran in. */
  sessionId: string;
  /** The last agent message. */
  reply: string;
  /** Token usage as Codex reports it. */
  usage?: Usage;
}

/** How long a process group gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 500;
/** How much of Codex's stderr is kept for error messages. */
const STDERR_TAIL_CHARS = 16_384;
/** How much of that tail an error message quotes. */
const STDERR_QUOTE_CHARS = 1500;

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
 *   timeoutMs: 600_000,
 *   idleTimeoutMs: 300_000,
 * });
 * console.log(result.sessionId, result.reply);
 * ```
 */
export async function runCodexTurn(request: TurnRequest): Promise<TurnResult> {
  if (request.signal?.aborted) {
    throw new CodexError(
      "cancelled",
      "The call was cancelled before Codex started.",
      { sessionId: request.sessionId },
    );
  }
  const spawn = request.spawn ?? spawnProcess;
  let child: ChildProcess;
  try {
    child = spawn(request.codexBin, buildExecArgs(request), {
      env: request.env,
    });
  } catch (error) {
    if (error instanceof ExecutableNotFoundError) {
      throw new CodexError(
        "codex_missing",
        `The Codex CLI could not be started (${error.message}).`,
        {
          sessionId: request.sessionId,
          hint:
            "Install it (npm install -g @openai/codex) or set CODEX_BIN to the absolute path of the codex executable (`which codex`).",
        },
      );
    }
    throw error;
  }
  activeChildren.add(child);

  const state = newTurnState();
  let stopReason: "timeout" | "idle" | "cancelled" | undefined;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = (reason: NonNullable<typeof stopReason>): void => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    child.killTree("SIGTERM");
    killTimer = setTimeout(() => child.killTree("SIGKILL"), KILL_GRACE_MS);
  };
  const started = Date.now();
  const overallTimer = setTimeout(() => stop("timeout"), request.timeoutMs);
  let idleTimer = setTimeout(() => stop("idle"), request.idleTimeoutMs);
  const onAbort = (): void => stop("cancelled");
  request.signal?.addEventListener("abort", onAbort);

  const stderrTail = readTail(child.stderr, STDERR_TAIL_CHARS);
  const stdinWritten = writeAndClose(child.stdin, request.prompt);
  try {
    const lines = child.stdout
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new TextLineStream());
    // Read to the end even after a failure: closing stdout early aborts the
    // turn and truncates the session's rollout file.
    for await (const line of lines) {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => stop("idle"), request.idleTimeoutMs);
      const event = parseEventLine(line);
      if (event === undefined) continue;
      reduceTurn(state, event);
      request.onEvent?.(event);
    }
    const exit = await child.exited;
    await stdinWritten;
    const sessionId = state.threadId ?? request.sessionId;
    const details = { sessionId, partialMessages: state.agentMessages };
    const elapsedMs = Date.now() - started;

    if (stopReason === "timeout") {
      throw new CodexError(
        "timeout",
        `Codex timed out after ${elapsedMs} ms (timeout_ms=${request.timeoutMs}) and was stopped.`,
        {
          ...details,
          hint: "Resume the session with a larger timeout_ms to continue.",
        },
      );
    }
    if (stopReason === "idle") {
      throw new CodexError(
        "idle",
        `Codex printed nothing for ${request.idleTimeoutMs} ms (idle limit) and was stopped after ${elapsedMs} ms; the model endpoint may be hanging.`,
        {
          ...details,
          hint:
            "Check the model provider, then resume the session; raise CODEX_PERSISTENT_MCP_IDLE_TIMEOUT_MS if turns are legitimately silent for longer.",
        },
      );
    }
    if (stopReason === "cancelled") {
      throw new CodexError(
        "cancelled",
        `The call was cancelled after ${elapsedMs} ms and Codex was stopped.`,
        { ...details, hint: "The session can be resumed with a new call." },
      );
    }
    if (
      request.sessionId !== undefined && state.threadId !== undefined &&
      state.threadId !== request.sessionId
    ) {
      throw new CodexError(
        "session_mismatch",
        `Codex did not resume session ${request.sessionId}: it started a different session ${state.threadId} instead (older Codex versions do this for ids they cannot find).`,
        {
          sessionId: request.sessionId,
          partialMessages: state.agentMessages,
          hint:
            "Check the session_id, and that this server uses the same CODEX_HOME as the Codex that created it.",
        },
      );
    }
    if (state.outcome?.status === "failed") {
      throw new CodexError(
        "codex_failed",
        `The Codex turn failed: ${state.outcome.message}`,
        {
          ...details,
          hint:
            "Check the model, the provider and your Codex configuration; the session can be resumed once the cause is fixed.",
        },
      );
    }
    if (state.outcome?.status === "completed" && sessionId !== undefined) {
      return {
        sessionId,
        reply: state.agentMessages.at(-1) ?? "",
        usage: state.usage,
      };
    }
    const how = exit.signal !== null
      ? `was killed by ${exit.signal}`
      : `exited with code ${exit.code}` +
        // Shells and the npm launcher report a signal death as 128 + signal.
        (exit.code !== null && exit.code > 128
          ? ` (killed by signal ${exit.code - 128}?)`
          : "");
    const tail = quoteStderr(await stderrTail);
    throw new CodexError(
      "codex_exited",
      `Codex ${how} without finishing the turn.` +
        (tail ? `\nCodex stderr (last lines):\n${tail}` : ""),
      {
        ...details,
        hint:
          "Read Codex's message above; run the same request with the codex CLI by hand to see more.",
      },
    );
  } finally {
    clearTimeout(overallTimer);
    clearTimeout(idleTimer);
    clearTimeout(killTimer);
    request.signal?.removeEventListener("abort", onAbort);
    activeChildren.delete(child);
  }
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
  const children = [...activeChildren];
  for (const child of children) child.killTree("SIGTERM");
  const killTimer = setTimeout(() => {
    for (const child of children) child.killTree("SIGKILL");
  }, KILL_GRACE_MS);
  await Promise.all(children.map((child) => child.exited));
  clearTimeout(killTimer);
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

/** The useful end of Codex's stderr: its message, not the backtrace after it. */
function quoteStderr(stderr: string): string {
  const message = stderr.split("\nStack backtrace:")[0].trim();
  return message.length > STDERR_QUOTE_CHARS
    ? `…${message.slice(-STDERR_QUOTE_CHARS)}`
    : message;
}

async function readTail(
  stream: ReadableStream<Uint8Array>,
  maxChars: number,
): Promise<string> {
  let tail = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    tail = (tail + chunk).slice(-maxChars);
  }
  return tail;
}
