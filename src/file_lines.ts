/**
 * A file's lines with their byte positions, read forwards from any byte or
 * backwards from any byte, in bounded chunks whatever the file's size. For
 * JSONL files that only grow (Codex's rollouts): a line counts once its
 * `\n` is written.
 *
 * @module
 */

import { openFile, type ReadableFile } from "./runtime/fs.ts";

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

const FORWARD_CHUNK_BYTES = 1024 * 1024;
const BACKWARD_CHUNK_BYTES = 256 * 1024;

/**
 * Splits a byte stream into complete lines (without the `\n`). Bytes after
 * the last `\n` are not a line yet and are dropped at the end. Pending bytes
 * are kept as pieces and joined once per line, so a very long line costs
 * linear time.
 *
 * @example
 * ```ts
 * import { ByteLineStream } from "./file_lines.ts";
 * const bytes = new TextEncoder().encode("a\nbc\npartial");
 * const lines = ReadableStream.from([bytes]).pipeThrough(new ByteLineStream());
 * (await Array.fromAsync(lines)).length; // 2
 * ```
 */
export class ByteLineStream extends TransformStream<Uint8Array, Uint8Array> {
  /** Creates the transform. */
  constructor() {
    const pending: Uint8Array[] = [];
    super({
      transform(chunk, controller) {
        let start = 0;
        for (
          let end = chunk.indexOf(10);
          end !== -1;
          end = chunk.indexOf(10, start)
        ) {
          pending.push(chunk.subarray(start, end));
          controller.enqueue(concat(pending));
          pending.length = 0;
          start = end + 1;
        }
        if (start < chunk.length) pending.push(chunk.subarray(start));
      },
    });
  }
}

/**
 * The complete lines from byte `from` on, reading no further than byte
 * `limit` (a line that does not end before it is not yielded).
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
    let start = from;
    const lines = fileChunks(file, from, limit)
      .pipeThrough(new ByteLineStream());
    for await (const bytes of lines) {
      const end = start + bytes.length + 1;
      yield { text: decoder.decode(bytes), start, end };
      start = end;
    }
  } finally {
    await file.close();
  }
}

/** The bytes of `file` from `from` up to `limit`, a chunk at a time. */
function fileChunks(
  file: ReadableFile,
  from: number,
  limit: number,
): ReadableStream<Uint8Array> {
  let position = from;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const size = Math.min(FORWARD_CHUNK_BYTES, limit - position);
      const buffer = new Uint8Array(size);
      const read = size > 0 ? await file.read(buffer, position) : null;
      if (read === null) {
        controller.close();
        return;
      }
      position += read;
      controller.enqueue(buffer.subarray(0, read));
    },
  });
}

/**
 * The lines of an open file that end at or before byte `end`, newest first
 * (the first line of the file included, even without a `\n` after it when it
 * is the last).
 *
 * @example
 * ```ts ignore
 * import { openFile } from "./runtime/fs.ts";
 * import { linesBackward } from "./file_lines.ts";
 * const file = await openFile("/path/rollout.jsonl");
 * for await (const line of linesBackward(file, 1_000)) console.log(line.start);
 * await file.close();
 * ```
 */
export async function* linesBackward(
  file: ReadableFile,
  end: number,
): AsyncGenerator<FileLine> {
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
