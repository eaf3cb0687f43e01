/**
 * A file's lines with their byte positions, read forwards from any byte or
 * backwards from any byte, in bounded chunks whatever the file's size: the
 * splitting of `TextLineStream`, on bytes, since callers need byte offsets to
 * resume a scan. For JSONL files that only grow (Codex's rollouts): a line
 * counts once its `\n` is written.
 *
 * @module
 */

import { openFile } from "./runtime/fs.ts";

/** One line and where it starts in the file. */
export interface FileLine {
  /** The line, without its `\n`. */
  text: string;
  /** Byte offset of its first byte. */
  start: number;
}

/** A complete line read forwards, and where the next one starts. */
export interface ForwardLine extends FileLine {
  /** Byte offset just past its `\n`. */
  end: number;
}

/** Forward reads start small (most lines wanted first are short) and grow. */
const FIRST_CHUNK_BYTES = 64 * 1024;
const MAX_CHUNK_BYTES = 1024 * 1024;
const BACKWARD_CHUNK_BYTES = 256 * 1024;

/**
 * The complete lines from byte `from` on, reading no further than byte
 * `limit` (a line that does not end before it is not yielded). Reads start
 * small (most lines wanted first are short) and grow; pending bytes are kept
 * as pieces and joined once per line, so a very long line costs linear time.
 *
 * @example
 * ```ts ignore
 * import { linesForward } from "./file_lines.ts";
 * for await (const line of linesForward("/path/rollout.jsonl", 0)) {
 *   console.log(line.start, line.text.length);
 * }
 * ```
 */
export async function* linesForward(
  path: string,
  from: number,
  limit: number = Infinity,
): AsyncGenerator<ForwardLine> {
  const file = await openFile(path);
  try {
    const decoder = new TextDecoder();
    const pending: Uint8Array[] = [];
    let position = from;
    let lineStart = from;
    let chunkBytes = FIRST_CHUNK_BYTES;
    while (position < limit) {
      const chunk = new Uint8Array(Math.min(chunkBytes, limit - position));
      chunkBytes = Math.min(chunkBytes * 2, MAX_CHUNK_BYTES);
      const read = await file.read(chunk, position);
      if (read === null) break;
      let start = 0;
      for (
        let newline = chunk.indexOf(10);
        newline !== -1 && newline < read;
        newline = chunk.indexOf(10, start)
      ) {
        pending.push(chunk.subarray(start, newline));
        const end = position + newline + 1;
        yield { text: decoder.decode(concat(pending)), start: lineStart, end };
        pending.length = 0;
        lineStart = end;
        start = newline + 1;
      }
      if (start < read) pending.push(chunk.subarray(start, read));
      position += read;
    }
  } finally {
    await file.close();
  }
}

/**
 * The lines of a file that end at or before byte `end`, newest first (the
 * first line of the file included, even without a `\n` after it when it is
 * the last). The file is open while the lines are read.
 *
 * @example
 * ```ts ignore
 * import { linesBackward } from "./file_lines.ts";
 * for await (const line of linesBackward("/path/rollout.jsonl", 1_000)) {
 *   console.log(line.start);
 * }
 * ```
 */
export async function* linesBackward(
  path: string,
  end: number,
): AsyncGenerator<FileLine> {
  const file = await openFile(path);
  try {
    const decoder = new TextDecoder();
    // Bytes of the line that straddles the chunk boundary (its end part).
    let carry: Uint8Array = new Uint8Array(0);
    while (end > 0) {
      const start = Math.max(0, end - BACKWARD_CHUNK_BYTES);
      const chunk = new Uint8Array(end - start);
      let filled = 0;
      while (filled < chunk.length) {
        const read = await file.read(chunk.subarray(filled), start + filled);
        if (read === null) break;
        filled += read;
      }
      const bytes = concat([chunk.subarray(0, filled), carry]);
      // Lines wholly inside `bytes`; the first (partial unless at the file
      // start) is carried into the next, older chunk.
      let lineEnd = bytes.length;
      for (
        let newline = bytes.lastIndexOf(10, lineEnd - 1);
        newline !== -1;
        newline = bytes.lastIndexOf(10, lineEnd - 1)
      ) {
        yield {
          text: decoder.decode(bytes.subarray(newline + 1, lineEnd)),
          start: start + newline + 1,
        };
        lineEnd = newline;
        if (lineEnd === 0) break;
      }
      carry = bytes.slice(0, lineEnd);
      end = start;
    }
    if (carry.length > 0) {
      yield { text: decoder.decode(carry), start: 0 };
    }
  } finally {
    await file.close();
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}
