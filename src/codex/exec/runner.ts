/**
 * The exec backend: one turn is one `codex exec` process. Spawn it, send the
 * prompt on stdin, read the JSONL events to the end, and end the whole
 * process tree when a limit fires.
 *
 * @module
 */

import { CodexError } from "../../errors.ts";
import { withOriginHeader } from "../../header.ts";
import {
  type ChildProcess,
  startProcess,
  terminateTree,
} from "../../runtime/process_tree.ts";
import { writeTemporaryFile } from "../../runtime/fs.ts";
import { ExecutableNotFoundError } from "../../runtime/types.ts";
import { TextLineStream } from "../../text_line_stream.ts";
import { buildExecArgs } from "./args.ts";
import { parseEventLine } from "../events.ts";
import { describeExit, readStderrTail } from "../process_exit.ts";
import { namedSession, resumedSession } from "../session_intent.ts";
import type { CodexCommand } from "../native_binary.ts";
import type { TurnRequest } from "../turn_request.ts";
import { newTurnState, reduceTurn } from "../turn.ts";
import {
  settleTurn,
  throwIfCancelled,
  type TurnResult,
  TurnWatchdog,
} from "../verdict.ts";

/**
 * Runs one turn with the Codex `codex` names (default: `codex` on PATH) and
 * returns its reply, or throws a {@linkcode CodexError} that says which
 * limit or failure ended it. Aborting `request.signal` ends the process
 * tree.
 *
 * @example
 * ```ts ignore
 * import { runCodexTurn } from "./runner.ts";
 * const result = await runCodexTurn({
 *   cwd: "/path/to/repo",
 *   session: { kind: "new" },
 *   input: { kind: "prompt", text: "Summarise this repository" },
 *   origin: { origin: "planner", tool: "codex_chat" },
 *   timeoutMs: 600_000,
 *   idleTimeoutMs: 300_000,
 * });
 * console.log(result.sessionId, result.reply);
 * ```
 */
export async function runCodexTurn(
  request: TurnRequest,
  codex: CodexCommand = { path: "codex", env: {} },
): Promise<TurnResult> {
  throwIfCancelled(request.signal, namedSession(request.session));
  const schemaFile = request.outputSchema === undefined
    ? undefined
    : await writeTemporaryFile(
      "output-schema.json",
      JSON.stringify(request.outputSchema),
    );
  try {
    return await runExec(request, codex, schemaFile?.path);
  } finally {
    await schemaFile?.remove();
  }
}

async function runExec(
  request: TurnRequest,
  codex: CodexCommand,
  outputSchemaFile: string | undefined,
): Promise<TurnResult> {
  const { input } = request;
  let child: ChildProcess;
  try {
    child = startProcess(
      codex.path,
      buildExecArgs({ ...request, outputSchemaFile }),
      {
        env: codex.env,
        cwd: request.cwd,
        withoutEnv: request.policy.hiddenFromCodex,
      },
      request.spawn,
    );
  } catch (error) {
    if (error instanceof ExecutableNotFoundError) {
      throw codexMissing(error, namedSession(request.session));
    }
    throw error;
  }
  const watchdog = new TurnWatchdog(request, () => terminateTree(child));
  const state = newTurnState();
  const stderrTail = readStderrTail(child.stderr);
  // A review has no prompt: Codex writes its own.
  const stdinWritten = writeAndClose(
    child.stdin,
    input.kind === "prompt" ? withOriginHeader(input.text, request.origin) : "",
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
    if (
      input.kind === "copy" && exit.code === 0 && state.threadId !== undefined
    ) {
      return { sessionId: state.threadId, reply: "" };
    }
    return await settleTurn(state, {
      requestedSessionId: resumedSession(request.session),
      limits: request,
      watchdog,
      describeEnd: async () => describeExit(exit, await stderrTail),
    });
  } finally {
    watchdog.dispose();
  }
}

/**
 * The error for a Codex executable that cannot be started.
 *
 * @example
 * ```ts
 * import { codexMissing } from "./runner.ts";
 * import { ExecutableNotFoundError } from "../../runtime/types.ts";
 * codexMissing(new ExecutableNotFoundError("codex", "not found")).kind; // "codex_missing"
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
