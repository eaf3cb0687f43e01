/**
 * How a Codex process ended, in words for an error message: its exit status
 * and the useful end of its stderr. Shared by both backends.
 *
 * @module
 */

import type { ChildExit } from "../runtime/types.ts";

/** How much of a process's stderr is kept for error messages. */
const STDERR_TAIL_CHARS = 16_384;
/** How much of that tail an error message quotes. */
const STDERR_QUOTE_CHARS = 1500;

/**
 * "exited with code 1 without finishing the turn" and the useful end of
 * stderr (Codex's message, not the backtrace after it).
 *
 * @example
 * ```ts
 * import { describeExit } from "./process_exit.ts";
 * describeExit({ code: null, signal: "SIGKILL" }, "");
 * // "was killed by SIGKILL without finishing the turn."
 * ```
 */
export function describeExit(exit: ChildExit, stderr: string): string {
  const how = exit.signal !== null
    ? `was killed by ${exit.signal}`
    : `exited with code ${exit.code}` +
      // Shells and the npm launcher report a signal death as 128 + signal.
      (exit.code !== null && exit.code > 128
        ? ` (killed by signal ${exit.code - 128}?)`
        : "");
  const message = stderr.split("\nStack backtrace:")[0].trim();
  const quoted = message.length > STDERR_QUOTE_CHARS
    ? `…${message.slice(-STDERR_QUOTE_CHARS)}`
    : message;
  return `${how} without finishing the turn.` +
    (quoted ? `\nCodex stderr (last lines):\n${quoted}` : "");
}

/**
 * Keeps the last part of a process's stderr (bounded, however much it writes).
 *
 * @example
 * ```ts
 * import { readStderrTail } from "./process_exit.ts";
 * await readStderrTail(ReadableStream.from([new TextEncoder().encode("boom")])); // "boom"
 * ```
 */
export async function readStderrTail(
  stream: ReadableStream<Uint8Array>,
): Promise<string> {
  let tail = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    tail = (tail + chunk).slice(-STDERR_TAIL_CHARS);
  }
  return tail;
}
